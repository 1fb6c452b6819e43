// Start, wait, environment, cwd, prepare and exec with real processes.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync, existsSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError, type ServiceSpec } from '@berth/api';
import type { LogEntry, WorkloadHandle } from '../runtime.js';
import { ProcessDriver } from './process-driver.js';
import { StartedProcesses, processService, processTask } from './process-driver.fixture.js';

const NODE = process.execPath;
let dataDir: string;
let projectDir: string;
let driver: ProcessDriver;
const started = new StartedProcesses();
let taskCount = 0;

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-procdrv-data-'));
  projectDir = mkdtempSync(join(tmpdir(), 'berth-procdrv-proj-'));
  driver = new ProcessDriver({ dataDir, agentEnv: { PATH: process.env.PATH, HOME: '/root', LANG: 'C', AGENT_ONLY: 'a', AGENT_SECRET: 's' } });
});

afterEach(() => {
  started.killAll();
  driver.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });
});

async function start(spec: Partial<ServiceSpec>): Promise<WorkloadHandle> {
  taskCount += 1;
  const task = processTask(`t${taskCount}`, projectDir, processService(spec));
  return started.track(await driver.start(task));
}

async function logText(handle: WorkloadHandle): Promise<{ stdout: string; stderr: string }> {
  const entries: LogEntry[] = [];
  for await (const e of driver.logs(handle, { follow: false })) entries.push(e);
  const of = (s: string): string => entries.filter((e) => e.stream === s).map((e) => e.text).join('\n');
  return { stdout: of('stdout'), stderr: of('stderr') };
}

describe('ProcessDriver start/wait', () => {
  it('reports the exit code and a pid:starttime id, and records the process', async () => {
    const handle = await start({ command: ['sh', '-c', 'exit 7'] });
    expect(handle).toMatchObject({ driver: 'process', id: expect.stringMatching(/^\d+:\d+$/) });
    expect(await driver.wait(handle)).toMatchObject({ exitCode: 7, oomKilled: false });
    expect(await driver.wait(handle)).toMatchObject({ exitCode: 7 });
    const record = JSON.parse(readFileSync(join(dataDir, 'tasks', handle.ref.taskId, 'process.json'), 'utf8'));
    expect(`${record.pid}:${record.startTime}`).toBe(handle.id);
    expect(record).toMatchObject({ argv: ['sh', '-c', 'exit 7'], restarts: 0, exit: { exitCode: 7 } });
  });

  it('reports death by signal as 128+n with the signal name', async () => {
    const handle = await start({ command: ['sh', '-c', 'kill -USR1 $$; sleep 5'] });
    expect(await driver.wait(handle)).toMatchObject({ exitCode: 138, signal: 'SIGUSR1' });
  });

  it('runs entrypoint + command in working_dir (relative to the project) with the built environment', async () => {
    mkdirSync(join(projectDir, 'sub'));
    const handle = await start({
      entrypoint: ['sh', '-c'],
      command: ['pwd; echo "$FOO|$AGENT_ONLY|${NOPE-unset}|$LANG|${AGENT_SECRET-unset}"; echo oops >&2'],
      workingDir: 'sub',
      environment: { FOO: 'bar', AGENT_ONLY: null, NOPE: null },
    });
    await driver.wait(handle);
    const logs = await logText(handle);
    // AGENT_SECRET is in the agent's env but neither inherited by default nor asked for.
    expect(logs.stdout).toBe(`${join(projectDir, 'sub')}\nbar|a|unset|C|unset`);
    expect(logs.stderr).toBe('oops');
  });

  it('defaults the working directory to the project directory', async () => {
    const handle = await start({ command: ['pwd'] });
    await driver.wait(handle);
    expect((await logText(handle)).stdout).toBe(projectDir);
  });

  it('keeps running in its own process group (survives the agent)', async () => {
    const handle = await start({ command: ['sleep', '30'] });
    const pid = Number(handle.id.split(':')[0]);
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    expect(pgrp).toBe(pid);
    expect(pgrp).not.toBe(readFileSync('/proc/self/stat', 'utf8').split(' ')[4]);
  });

  it('appends to the logs across restarts of the same task and carries the restart count', async () => {
    const task = processTask('again', projectDir, processService({ command: ['sh', '-c', 'echo run'] }));
    const first = started.track(await driver.start(task));
    await driver.wait(first);
    await driver.recordRestarts(first, 1);
    const second = started.track(await driver.start(task, first));
    await driver.wait(second);
    expect(second.id).not.toBe(first.id);
    expect((await logText(second)).stdout).toBe('run\nrun');
    const record = JSON.parse(readFileSync(join(dataDir, 'tasks', 'again', 'process.json'), 'utf8'));
    expect(record).toMatchObject({ restarts: 1 });
  });

  it('refuses to start a task whose process is still running', async () => {
    const task = processTask('twice', projectDir, processService({ command: ['sleep', '30'] }));
    started.track(await driver.start(task));
    await expect(driver.start(task)).rejects.toSatisfy((e) => isBerthError(e, 'CONFLICT'));
  });

  it.skipIf(process.getuid?.() !== 0)('runs as `user` when the agent is root', async () => {
    const handle = await start({ command: ['id', '-u'], user: 'nobody', workingDir: '/' });
    expect(await driver.wait(handle)).toMatchObject({ exitCode: 0 });
    expect((await logText(handle)).stdout).toBe('65534');
  });
});

describe('ProcessDriver prepare and start failures', () => {
  it('prepare names a missing command, directory or user', async () => {
    const task = (spec: Partial<ServiceSpec>) => processTask('p', projectDir, processService(spec));
    await expect(driver.prepare(task({ command: ['nodee', 'x.js'] }))).rejects.toThrow(
      /^command "nodee" not found on PATH \(/,
    );
    await expect(driver.prepare(task({ command: ['./missing.sh'] }))).rejects.toThrow(
      `command "./missing.sh" not found (looked for ${projectDir}/missing.sh)`,
    );
    await expect(driver.prepare(task({ command: ['sh'], workingDir: 'nope' }))).rejects.toThrow(
      `working directory ${projectDir}/nope of service "app" does not exist`,
    );
    await expect(driver.prepare(task({ command: ['sh'], user: 'no-such-user-x' }))).rejects.toThrow(
      'user "no-such-user-x" not found in /etc/passwd',
    );
    const noCommand: unknown = await driver.prepare(task({})).catch((e: unknown) => e);
    expect(isBerthError(noCommand, 'STACK_INVALID')).toBe(true);
    await expect(driver.prepare(task({ command: ['sh', '-c', 'true'] }))).resolves.toBeUndefined();
  });

  it('turns a spawn failure into a rejected BerthError, not an unhandled error', async () => {
    // Executable when prepared, but its interpreter does not exist: exec fails with ENOENT.
    writeFileSync(join(projectDir, 'broken.sh'), '#!/no/such/interpreter\n', { mode: 0o755 });
    const err: unknown = await start({ command: ['./broken.sh'] }).catch((e: unknown) => e);
    expect(isBerthError(err, 'NOT_FOUND')).toBe(true);
    expect((err as Error).message).toContain('command "./broken.sh" not found');
  });

  it('reports a missing command at start too', async () => {
    await expect(start({ command: ['nodee'] })).rejects.toThrow(/command "nodee" not found on PATH/);
    expect(existsSync(join(dataDir, 'tasks', `t${taskCount}`, 'process.json'))).toBe(false);
  });

  it('detect says the driver is available, naming the platform', async () => {
    expect(await driver.detect()).toEqual({ driver: 'process', available: true, message: expect.stringContaining('linux') });
  });
});

describe('ProcessDriver exec', () => {
  it('runs CMD and CMD-SHELL checks in the task cwd and env, with timeouts', async () => {
    const handle = await start({ command: [NODE, '-e', 'setTimeout(() => {}, 30000)'], environment: { HC: 'yes' } });
    expect(await driver.exec(handle, ['CMD', 'sh', '-c', 'echo $HC; pwd'], 5000)).toEqual({
      exitCode: 0,
      output: `yes\n${projectDir}\n`,
      timedOut: false,
    });
    expect(await driver.exec(handle, ['CMD-SHELL', 'echo bad >&2; exit 1'], 5000)).toEqual({
      exitCode: 1,
      output: 'bad\n',
      timedOut: false,
    });
    expect(await driver.exec(handle, ['CMD-SHELL', 'sleep 20'], 200)).toMatchObject({ timedOut: true, exitCode: -1 });
    expect(await driver.exec(handle, ['CMD', 'no-such-check'], 1000)).toMatchObject({ exitCode: 127 });
    await expect(driver.exec(handle, ['NONE'], 1000)).rejects.toSatisfy((e) => isBerthError(e, 'USAGE'));
  });
});

describe('ProcessDriver remove', () => {
  it('refuses while running, then deletes the task files and is idempotent', async () => {
    const handle = await start({ command: ['sleep', '30'] });
    await expect(driver.remove(handle)).rejects.toSatisfy((e) => isBerthError(e, 'CONFLICT'));
    await driver.stop(handle, { signal: 'KILL', graceMs: 0 });
    await driver.remove(handle);
    expect(existsSync(join(dataDir, 'tasks', handle.ref.taskId))).toBe(false);
    await driver.remove(handle);
    await expect(async () => {
      for await (const _ of driver.logs(handle, { follow: false })) void _;
    }).rejects.toSatisfy((e) => isBerthError(e, 'NOT_FOUND'));
  });
});
