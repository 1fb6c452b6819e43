// Stop, logs and recovery of the process driver, with real processes and short sleeps.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError, type ServiceSpec } from '@berth/api';
import type { LogEntry, LogOptions, WorkloadHandle } from '../runtime.js';
import { ENDED_AFTER_READOPTION, ENDED_WHILE_AGENT_DOWN, ProcessDriver } from './process-driver.js';
import { StartedProcesses, processService, processTask } from './process-driver.fixture.js';
import { hasEnded, readProcStatSync } from './proc-stat.js';

const NODE = process.execPath;
let dataDir: string;
let projectDir: string;
let drivers: ProcessDriver[];
let driver: ProcessDriver;
const started = new StartedProcesses();
const strayPids: number[] = [];
let taskCount = 0;

function newDriver(options: { logMaxBytes?: number } = {}): ProcessDriver {
  const made = new ProcessDriver({ dataDir, logPollMs: 25, pollIntervalMs: 25, rotateIntervalMs: 25, ...options });
  drivers.push(made);
  return made;
}

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-proclife-data-'));
  projectDir = mkdtempSync(join(tmpdir(), 'berth-proclife-proj-'));
  drivers = [];
  driver = newDriver();
});

afterEach(() => {
  started.killAll();
  for (const pid of strayPids.splice(0)) {
    try {
      process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  }
  for (const d of drivers) d.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });
});

async function start(spec: Partial<ServiceSpec>, on = driver): Promise<WorkloadHandle> {
  taskCount += 1;
  return started.track(await on.start(processTask(`t${taskCount}`, projectDir, processService(spec))));
}

function pidOf(handle: WorkloadHandle): number {
  return Number(handle.id.split(':')[0]);
}

function alive(pid: number): boolean {
  const stat = readProcStatSync(pid);
  return stat !== undefined && !hasEnded(stat);
}

async function eventually(check: () => boolean | Promise<boolean>, ms = 5000): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return true;
    await new Promise((r) => setTimeout(r, 20));
  }
  return check();
}

async function collect(handle: WorkloadHandle, options: LogOptions, on = driver): Promise<LogEntry[]> {
  const entries: LogEntry[] = [];
  for await (const e of on.logs(handle, options)) entries.push(e);
  return entries;
}

async function stdoutOf(handle: WorkloadHandle): Promise<string[]> {
  return (await collect(handle, { follow: false })).filter((e) => e.stream === 'stdout').map((e) => e.text);
}

/** A node program that reports "ready" once its TERM handler is installed, then ignores TERM. */
const TRAPS_TERM = [
  NODE,
  '-e',
  "process.on('SIGTERM', () => console.log('got TERM')); console.log('ready'); setInterval(() => {}, 1000);",
];

describe('ProcessDriver stop', () => {
  it('sends the stop signal (with or without SIG) and resolves once the process is gone', async () => {
    const term = await start({ command: ['sleep', '30'] });
    await driver.stop(term, { signal: 'TERM', graceMs: 10_000 });
    expect(alive(pidOf(term))).toBe(false);
    // 143 = SIGTERM: it ended from the stop signal, not from the SIGKILL after the grace period.
    expect(await driver.wait(term)).toMatchObject({ exitCode: 143, signal: 'SIGTERM' });

    const int = await start({ command: ['sleep', '30'] });
    await driver.stop(int, { signal: 'SIGINT', graceMs: 10_000 });
    expect(await driver.wait(int)).toMatchObject({ exitCode: 130, signal: 'SIGINT' });
  });

  it('gives a TERM-trapping process the full grace period, then SIGKILLs it', async () => {
    const handle = await start({ command: TRAPS_TERM });
    expect(await eventually(async () => (await stdoutOf(handle)).includes('ready'))).toBe(true);
    const before = Date.now();
    await driver.stop(handle, { signal: 'SIGTERM', graceMs: 1000 });
    const waited = Date.now() - before;
    expect(waited).toBeGreaterThanOrEqual(950);
    expect(await driver.wait(handle)).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
    expect(await stdoutOf(handle)).toEqual(['ready', 'got TERM']);
  });

  it('stops the whole process group, and clears what a finished leader left behind', async () => {
    const pidFile = join(projectDir, 'bg.pid');
    const group = await start({ command: ['sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`] });
    expect(await eventually(() => existsSync(pidFile) && readFileSync(pidFile, 'utf8').trim() !== '')).toBe(true);
    const background = Number(readFileSync(pidFile, 'utf8'));
    strayPids.push(background);
    await driver.stop(group, { signal: 'TERM', graceMs: 5000 });
    expect(await eventually(() => !alive(background))).toBe(true);

    const leftFile = join(projectDir, 'left.pid');
    const leaver = await start({ command: ['sh', '-c', `sleep 30 & echo $! > ${leftFile}`] });
    expect(await driver.wait(leaver)).toMatchObject({ exitCode: 0 });
    const left = Number(readFileSync(leftFile, 'utf8'));
    strayPids.push(left);
    expect(await eventually(() => !alive(left))).toBe(true);
  });

  it('accepts a stop of an exited process and refuses an unknown signal', async () => {
    const handle = await start({ command: ['true'] });
    await driver.wait(handle);
    await driver.stop(handle, { signal: 'TERM', graceMs: 100 });
    await expect(driver.stop(handle, { signal: 'SIGNOPE', graceMs: 100 })).rejects.toSatisfy(
      (e) => isBerthError(e, 'USAGE') && /unknown stop signal "SIGNOPE"/.test((e as Error).message),
    );
  });
});

describe('ProcessDriver logs', () => {
  it('tails the last N lines per stream', async () => {
    const handle = await start({ command: ['sh', '-c', 'for i in 1 2 3 4 5; do echo line$i; done; echo err >&2'] });
    await driver.wait(handle);
    expect(await collect(handle, { follow: false, tail: 2 })).toEqual([
      { stream: 'stdout', text: 'line4' },
      { stream: 'stdout', text: 'line5' },
      { stream: 'stderr', text: 'err' },
    ]);
  });

  it('follows new output until the signal aborts', async () => {
    const handle = await start({ command: ['sh', '-c', 'echo first; sleep 0.2; echo second; sleep 30'] });
    const abort = new AbortController();
    const seen: string[] = [];
    for await (const e of driver.logs(handle, { follow: true, signal: abort.signal })) {
      seen.push(e.text);
      if (e.text === 'second') abort.abort();
    }
    expect(seen).toEqual(['first', 'second']);
    expect(alive(pidOf(handle))).toBe(true);
  });

  it('ends following once the process has exited and its output is drained', async () => {
    const handle = await start({ command: ['sh', '-c', 'echo a; sleep 0.2; echo b >&2; echo c'] });
    const entries = await collect(handle, { follow: true });
    expect(entries).toEqual([
      { stream: 'stdout', text: 'a' },
      { stream: 'stdout', text: 'c' },
      { stream: 'stderr', text: 'b' },
    ]);
  });

  it('rotates a log that passes the size cap, keeping one .1 file', async () => {
    const small = newDriver({ logMaxBytes: 1000 });
    const line = 'x'.repeat(99);
    const handle = await start({ command: ['sh', '-c', `for i in $(seq 1 30); do echo ${line}; done; sleep 30`] }, small);
    const log = join(dataDir, 'tasks', handle.ref.taskId, 'stdout.log');
    expect(await eventually(() => existsSync(`${log}.1`))).toBe(true);
    expect(readFileSync(`${log}.1`, 'utf8').length).toBeGreaterThan(1000);
    expect(readFileSync(log, 'utf8').length).toBeLessThanOrEqual(1000);
    // Nothing lost in this quiet case: the rotated file plus the current one hold all 30 lines.
    const lines = (await collect(handle, { follow: false }, small)).map((e) => e.text);
    expect(lines).toEqual(Array.from({ length: 30 }, () => line));
  });
});

describe('ProcessDriver recover', () => {
  it('re-adopts a still-running process with the same id after an agent restart', async () => {
    const handle = await start({ command: ['sleep', '30'] });
    await driver.recordRestarts(handle, 4);
    const restarted = newDriver();
    const found = await restarted.recover('n1');
    expect(found).toEqual([{ handle: { ...handle }, state: 'running', restarts: 4 }]);
    expect(await restarted.recover('another-node')).toEqual([]);

    // Health checks run with the process's own cwd, read back from /proc.
    expect(await restarted.exec(handle, ['CMD', 'pwd'], 5000)).toMatchObject({ exitCode: 0, output: `${projectDir}\n` });
    await restarted.stop(handle, { signal: 'TERM', graceMs: 5000 });
    expect(alive(pidOf(handle))).toBe(false);
    expect(await restarted.wait(handle)).toMatchObject({ exitCode: -1, message: ENDED_AFTER_READOPTION });
  });

  it('reports a recorded process that died while the agent was down as exited', async () => {
    const handle = await start({ command: ['sleep', '30'] });
    const recordPath = join(dataDir, 'tasks', handle.ref.taskId, 'process.json');
    // A pid that certainly ended: a process we ran to completion.
    const dead = spawnSync('true').pid;
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    writeFileSync(recordPath, JSON.stringify({ ...record, pid: dead }));
    const [found] = await newDriver().recover('n1');
    expect(found).toMatchObject({
      handle: { id: `${dead}:${record.startTime}` },
      state: 'exited',
      exit: { exitCode: -1, message: ENDED_WHILE_AGENT_DOWN },
    });
  });

  it('reports the exit code an earlier agent run saw', async () => {
    const handle = await start({ command: ['sh', '-c', 'exit 3'] });
    await driver.wait(handle);
    const [found] = await newDriver().recover('n1');
    expect(found).toMatchObject({ handle: { id: handle.id }, state: 'exited', exit: { exitCode: 3 } });
  });

  it('does not adopt (or stop) a process whose pid was reused', async () => {
    const handle = await start({ command: ['sleep', '30'] });
    const recordPath = join(dataDir, 'tasks', handle.ref.taskId, 'process.json');
    const record = JSON.parse(readFileSync(recordPath, 'utf8'));
    // Same pid, other start time: the recorded process is gone and this one is somebody else's.
    writeFileSync(recordPath, JSON.stringify({ ...record, startTime: record.startTime + 1 }));
    const restarted = newDriver();
    const [found] = await restarted.recover('n1');
    expect(found).toMatchObject({ state: 'exited', exit: { exitCode: -1, message: ENDED_WHILE_AGENT_DOWN } });
    if (found === undefined) throw new Error('nothing recovered');
    await restarted.stop(found.handle, { signal: 'KILL', graceMs: 0 });
    expect(alive(pidOf(handle))).toBe(true);
  });
});
