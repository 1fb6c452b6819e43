// The process driver's stack cleanup with real processes: it deletes a removed stack's leftover
// task directories and nothing a live process or a task the agent still knows uses.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TaskRef } from '../runtime.js';
import { ProcessDriver } from './process-driver.js';
import { StartedProcesses, processService, processTask } from './process-driver.fixture.js';

let dataDir: string;
let projectDir: string;
const drivers: ProcessDriver[] = [];
const started = new StartedProcesses();

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-proccleanup-data-'));
  projectDir = mkdtempSync(join(tmpdir(), 'berth-proccleanup-proj-'));
});

afterEach(() => {
  started.killAll();
  for (const d of drivers.splice(0)) d.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });
});

function newDriver(): ProcessDriver {
  const driver = new ProcessDriver({ dataDir, pollIntervalMs: 25 });
  drivers.push(driver);
  return driver;
}

const taskDir = (taskId: string): string => join(dataDir, 'tasks', taskId);

/** A task directory as a crashed removal leaves it: a record of a process long gone, and its logs. */
function plantLeftover(taskId: string, stack: string): void {
  const gone = spawnSync(process.execPath, ['-e', '']).pid; // exited: its pid names no process of ours
  const ref: TaskRef = { taskId, stack, service: 'app', slot: 1, nodeId: 'n1' };
  mkdirSync(taskDir(taskId), { recursive: true });
  const record = { pid: gone, startTime: 1, ref, argv: ['true'], cwd: '/', startedAt: 1, restarts: 0 };
  writeFileSync(join(taskDir(taskId), 'process.json'), JSON.stringify(record));
  writeFileSync(join(taskDir(taskId), 'stdout.log'), 'old output\n');
}

describe('ProcessDriver.cleanupStack', () => {
  it('deletes the stack’s leftover task directories only', async () => {
    const driver = newDriver();
    const running = started.track(await driver.start(processTask('live', projectDir, processService({ command: ['sleep', '30'] }))));
    const exited = started.track(await driver.start(processTask('done', projectDir, processService({ command: ['true'] }))));
    await driver.wait(exited);
    plantLeftover('stale', 'test');
    plantLeftover('elsewhere', 'other');
    mkdirSync(taskDir('norecord'), { recursive: true });

    const report = await driver.cleanupStack('test');
    expect(report.removed).toEqual([`task files ${taskDir('stale')}`]);
    expect(report.kept).toEqual([
      `task files ${taskDir('done')}: task done is still known to the agent`,
      `task files ${taskDir('live')}: task live is still known to the agent`,
    ]);
    expect(existsSync(taskDir('stale'))).toBe(false);
    for (const kept of ['done', 'live', 'elsewhere', 'norecord']) expect(existsSync(taskDir(kept))).toBe(true);

    // A later agent run knows none of them: the ended task's files go, the live process's stay.
    const next = newDriver();
    const again = await next.cleanupStack('test');
    expect(again.removed).toEqual([`task files ${taskDir('done')}`]);
    expect(again.kept).toEqual([`task files ${taskDir('live')}: its process ${running.id.split(':')[0]} still runs`]);
    expect(existsSync(taskDir('done'))).toBe(false);
    expect(existsSync(taskDir('live'))).toBe(true);
  });

  it('has nothing to do on a node that never ran a process task', async () => {
    expect(await newDriver().cleanupStack('test')).toEqual({ removed: [], kept: [] });
  });
});
