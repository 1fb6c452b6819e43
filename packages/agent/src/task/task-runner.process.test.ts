// The runner with the real process driver: a crashing shell command restarted with backoff.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BACKOFF, type TaskStatus } from '@berth/api';
import { ProcessDriver } from '../runtime/process/process-driver.js';
import { StartedProcesses, processService, processTask } from '../runtime/process/process-driver.fixture.js';
import { TaskRunner } from './task-runner.js';

let dataDir: string;
let projectDir: string;
let driver: ProcessDriver;
const started = new StartedProcesses();

beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-runner-data-'));
  projectDir = mkdtempSync(join(tmpdir(), 'berth-runner-proj-'));
  driver = new ProcessDriver({ dataDir, agentEnv: { PATH: process.env.PATH, LANG: 'C' } });
});

afterEach(() => {
  started.killAll();
  driver.close();
  rmSync(dataDir, { recursive: true, force: true });
  rmSync(projectDir, { recursive: true, force: true });
});

/** Resolves with the first status `runner` emits that satisfies `test`. */
function statusWhere(runner: TaskRunner, test: (s: TaskStatus) => boolean): Promise<TaskStatus> {
  return new Promise((resolve) => {
    const listener = (s: TaskStatus): void => {
      if (!test(s)) return;
      runner.off('status', listener);
      resolve(s);
    };
    runner.on('status', listener);
  });
}

/** Whether a process `pid` exists. */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

describe('TaskRunner with the process driver', () => {
  it('restarts a crashing command with growing delays, and stop() ends it', async () => {
    const spec = processService({
      command: ['sh', '-c', 'sleep 0.2; exit 1'],
      restart: { condition: 'on-failure', maxAttempts: 0, windowMs: 0 },
      stopGracePeriodMs: 2_000,
      berth: { ...processService().berth, restartBackoff: { ...DEFAULT_RESTART_BACKOFF, initialMs: 100, maxMs: 1_000 } },
    });
    const runner = new TaskRunner(processTask('crashy', projectDir, spec), { driver });
    const statuses: TaskStatus[] = [];
    runner.on('status', (s) => {
      statuses.push(s);
      if (s.state === 'running' && s.runtimeId !== undefined) started.track({ driver: 'process', id: s.runtimeId, ref: runner.task.ref, startedAt: 0 });
    });

    runner.start();
    const third = await statusWhere(runner, (s) => s.state === 'running' && s.restarts === 3);
    const pid = Number(third.runtimeId?.split(':')[0]);
    expect(alive(pid)).toBe(true);
    await runner.stop();

    const failures = statuses.filter((s) => s.state === 'failed');
    expect(failures.slice(0, 3).map((s) => [s.exitCode, s.message])).toEqual([
      [1, 'exited with code 1; restarting in 0 ms'],
      [1, 'exited with code 1; restarting in 100 ms'],
      [1, 'exited with code 1; restarting in 200 ms'],
    ]);
    const runs = statuses.filter((s) => s.state === 'running');
    expect(runs.map((s) => s.restarts)).toEqual([0, 1, 2, 3]);
    // Every restart waited at least its delay after the exit before it was running again.
    const gaps = [0, 1, 2].map((i) => (runs[i + 1]?.stateTimes.running ?? 0) - (failures[i]?.stateTimes.failed ?? 0));
    expect(gaps[1]).toBeGreaterThanOrEqual(100);
    expect(gaps[2]).toBeGreaterThanOrEqual(200);
    expect(new Set(runs.map((s) => s.runtimeId)).size).toBe(4); // a new process each time

    expect(runner.status).toMatchObject({ state: 'stopped', restarts: 3 });
    // SIGTERM's 143, unless the 200 ms run happened to end on its own just before the stop.
    expect([143, 1]).toContain(runner.status.exitCode);
    expect(runner.active).toBe(false);
    expect(alive(pid)).toBe(false);
  });
});
