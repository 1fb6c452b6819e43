import { describe, expect, it } from 'vitest';
import type { ServiceSpec, TaskStatus } from '@berth/api';
import { FakeDriver, type FakeRunPlan } from '../runtime/fake/fake-driver.js';
import { fakeServiceSpec, fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import type { WorkloadHandle } from '../runtime/runtime.js';
import { FakeClock, settle } from './fake-clock.js';
import { TaskRunner, type OperationGate } from './task-runner.js';

const T0 = 1_000_000;

/** A runner of task `t1` on a fake driver and clock, with every status it emits. */
function harness(spec: Partial<ServiceSpec> = {}, defaultPlan: FakeRunPlan = {}, gate?: OperationGate) {
  const clock = new FakeClock(T0);
  const driver = new FakeDriver({ clock, defaultPlan });
  const task = fakeTaskDescriptor('t1', fakeServiceSpec(spec));
  const runner = new TaskRunner(task, { driver, clock, ...(gate ? { gate } : {}) });
  const statuses: TaskStatus[] = [];
  runner.on('status', (s) => statuses.push(s));
  return { clock, driver, runner, statuses };
}

const backoff = (over: Partial<ServiceSpec['berth']['restartBackoff']> = {}) => ({
  initialMs: 100,
  maxMs: 1_000,
  multiplier: 2,
  resetAfterMs: 10_000,
  ...over,
});

/** The service settings for a restart policy and backoff. */
function policy(
  restart: Partial<ServiceSpec['restart']>,
  backoffOver: Partial<ServiceSpec['berth']['restartBackoff']> = {},
): Partial<ServiceSpec> {
  const base = fakeServiceSpec();
  return {
    restart: { ...base.restart, ...restart },
    berth: { ...base.berth, restartBackoff: backoff(backoffOver) },
  };
}

/** Delays between each exit and the start after it, for runs lasting `runMs`. */
function restartDelays(starts: number[], runMs: number): number[] {
  return starts.slice(1).map((at, i) => at - (starts[i]! + runMs));
}

describe('TaskRunner restart loop', () => {
  it('restarts a crash loop after exactly 0, 100, 200, 400, 800 ms, then the cap, in place', async () => {
    const h = harness(policy({ condition: 'on-failure' }), { exitAfterMs: 10, exitCode: 1 });
    h.runner.start();
    await h.clock.advance(6_000);
    const starts = h.driver.callsOf('start');
    expect(restartDelays(starts.map((c) => c.at), 10).slice(0, 8)).toEqual([0, 100, 200, 400, 800, 1_000, 1_000, 1_000]);
    // Prepared once; every restart reuses the same workload.
    expect(h.driver.callsOf('prepare')).toHaveLength(1);
    const firstId = h.statuses.find((s) => s.state === 'running')?.runtimeId;
    expect(starts.slice(1).every((c) => c.previousId === firstId)).toBe(true);
    expect(h.runner.status.restarts).toBe(starts.length - 1);
    expect(h.driver.callsOf('recordRestarts').map((c) => c.restarts).slice(0, 3)).toEqual([1, 2, 3]);
  });

  it('restarts at once when the delay is 0: no timer between the exit and the start', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.runner.start();
    await settle();
    const before = h.driver.running('t1');
    expect(before).toBeDefined();
    h.driver.crash('t1', 1);
    await settle(); // promise work only: the clock does not move
    expect(h.driver.running('t1')).toMatchObject({ id: before?.id });
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 1 });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('a run lasting resetAfterMs resets the backoff: the next restart is immediate again', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.driver.plan(
      't1',
      { exitAfterMs: 10, exitCode: 1 },
      { exitAfterMs: 10, exitCode: 1 },
      { exitAfterMs: 10, exitCode: 1 },
      { exitAfterMs: 10_000, exitCode: 1 },
      { exitAfterMs: 10, exitCode: 1 },
      { exitAfterMs: 10, exitCode: 1 },
    );
    h.runner.start();
    await h.clock.advance(20_000);
    const starts = h.driver.callsOf('start').map((c) => c.at);
    const runs = [10, 10, 10, 10_000, 10];
    const delays = starts.slice(1, 6).map((at, i) => at - (starts[i]! + runs[i]!));
    expect(delays).toEqual([0, 100, 200, 0, 100]);
  });

  it('gives up after max attempts with the reason, as failed, and stops working', async () => {
    const h = harness(policy({ condition: 'on-failure', maxAttempts: 3 }), { exitAfterMs: 10, exitCode: 1 });
    h.runner.start();
    await h.clock.advance(60_000);
    expect(h.driver.callsOf('start')).toHaveLength(4);
    expect(h.runner.status).toMatchObject({
      state: 'failed',
      exitCode: 1,
      restarts: 3,
      message: 'exited with code 1; gave up after 3 restarts (on-failure:3)',
    });
    expect(h.runner.active).toBe(false);
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('a clean exit that is not restarted ends exited', async () => {
    const h = harness(policy({ condition: 'on-failure' }), { exitAfterMs: 50, exitCode: 0 });
    h.runner.start();
    await h.clock.advance(100);
    expect(h.runner.status).toMatchObject({
      state: 'exited',
      exitCode: 0,
      message: 'exited with code 0; not restarted (on-failure restarts only failures)',
    });
    expect(h.runner.status.stateTimes).toMatchObject({ running: T0, exited: T0 + 50 });
  });

  it('reports an OOM kill as such and restarts it under on-failure', async () => {
    const h = harness(policy({ condition: 'on-failure' }));
    h.driver.plan('t1', { exitAfterMs: 5, exitCode: 137, oomKilled: true });
    h.runner.start();
    await h.clock.advance(5);
    expect(h.statuses.some((s) => s.message === 'killed: out of memory (code 137); restarting in 0 ms')).toBe(true);
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 1 });
  });

  it('goes assigned → preparing → starting → running with the time of each', async () => {
    const h = harness();
    h.runner.start();
    await settle();
    expect(h.statuses.map((s) => s.state)).toEqual(['preparing', 'starting', 'running']);
    expect(h.runner.status).toMatchObject({ health: 'none', message: '', restarts: 0, runtimeId: 'docker-1' });
    expect(Object.keys(h.runner.status.stateTimes)).toEqual(['assigned', 'preparing', 'starting', 'running']);
  });
});

describe('TaskRunner failed starts', () => {
  it('a failed prepare is failed with the error message and retried with backoff, prepare included', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.driver.plan(
      't1',
      { prepareError: 'image example/app:1 not found' },
      { prepareError: 'image example/app:1 not found' },
    );
    h.runner.start();
    await settle();
    expect(h.runner.status).toMatchObject({
      state: 'failed',
      message: 'image example/app:1 not found; restarting in 100 ms',
    });
    expect(h.runner.status.exitCode).toBeUndefined();
    expect(h.statuses.map((s) => s.message)).toContain('image example/app:1 not found; restarting in 0 ms');
    await h.clock.advance(99);
    expect(h.runner.status.state).toBe('failed');
    await h.clock.advance(1);
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 2, message: '' });
    expect(h.driver.callsOf('prepare').map((c) => c.at)).toEqual([T0, T0, T0 + 100]);
  });

  it('a failed start (port taken) under restart "none" gives up with the message', async () => {
    const h = harness(policy({ condition: 'none' }));
    h.driver.plan('t1', { startError: 'port 8080 is already taken' });
    h.runner.start();
    await settle();
    expect(h.runner.status).toMatchObject({
      state: 'failed',
      message: 'port 8080 is already taken; not restarted (restart policy "none")',
    });
    expect(h.runner.active).toBe(false);
  });

  it('a driver that throws a plain Error, or rejects wait, still only produces statuses', async () => {
    const h = harness(policy({ condition: 'none' }));
    h.driver.wait = (_handle: WorkloadHandle) => Promise.reject(new Error('engine went away'));
    h.runner.start();
    await settle();
    expect(h.runner.status).toMatchObject({
      state: 'failed',
      exitCode: -1,
      message: 'exited with code -1; not restarted (restart policy "none") (engine went away)',
    });
  });
});

describe('TaskRunner internal errors', () => {
  it('a broken driver answer becomes a failed status, not an exception', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.driver.start = () => Promise.resolve(undefined as unknown as WorkloadHandle);
    h.runner.start();
    await settle();
    expect(h.runner.status).toMatchObject({ state: 'failed', message: 'internal error: driver.start() resolved without a handle' });
    expect(h.runner.active).toBe(false);
    expect(h.runner.final).toMatchObject({ state: 'failed' });
  });

  it('a status listener that throws does not escape the runner (no unhandled rejection)', async () => {
    const h = harness();
    h.runner.on('status', () => {
      throw new Error('listener bug');
    });
    h.runner.start();
    await settle();
    expect(h.runner.active).toBe(false);
    expect(h.runner.status.message).toBe('internal error: listener bug');
  });
});

describe('TaskRunner health', () => {
  const check = { disabled: false, test: ['CMD', 'check'], intervalMs: 1_000, timeoutMs: 500, retries: 2, startPeriodMs: 0, startIntervalMs: 0 };
  const failing = () => ({ exitCode: 1, output: 'connection refused', timedOut: false });

  it('unhealthy → stopped with the stop signal and grace, then restarted as an unhealthy exit', async () => {
    const h = harness({ ...policy({ condition: 'on-failure' }), healthcheck: check, stopSignal: 'SIGQUIT', stopGracePeriodMs: 2_500 });
    h.driver.onExec(failing);
    h.runner.start();
    await h.clock.advance(1_000);
    expect(h.runner.status).toMatchObject({
      state: 'running',
      health: 'starting',
      message: 'health check failing (1 of 2): exit 1: connection refused',
    });
    await h.clock.advance(1_000);
    expect(h.driver.callsOf('exec').map((c) => [c.at, c.test, c.timeoutMs])).toEqual([
      [T0 + 1_000, ['CMD', 'check'], 500],
      [T0 + 2_000, ['CMD', 'check'], 500],
    ]);
    expect(h.driver.callsOf('stop')).toMatchObject([{ at: T0 + 2_000, signal: 'SIGQUIT', graceMs: 2_500 }]);
    expect(h.statuses.some((s) => s.health === 'unhealthy' && s.message === 'health check failed 2 times: exit 1: connection refused')).toBe(true);
    expect(h.statuses.some((s) => s.state === 'failed' && s.message === 'killed: unhealthy (code 131); restarting in 0 ms')).toBe(true);
    // The new run has a new health monitor.
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 1, health: 'starting' });
  });

  it('flag-only: unhealthy is reported and the workload keeps running', async () => {
    const base = fakeServiceSpec();
    const h = harness({ healthcheck: check, berth: { ...base.berth, unhealthy: 'flag' } });
    h.driver.onExec(failing);
    h.runner.start();
    await h.clock.advance(5_000);
    expect(h.driver.callsOf('stop')).toHaveLength(0);
    expect(h.runner.status).toMatchObject({ state: 'running', health: 'unhealthy', restarts: 0 });
    expect(h.runner.status.message).toBe('health check failed 5 times: exit 1: connection refused');
  });

  it('a passing check turns healthy; an exec that cannot run counts as a failure', async () => {
    const h = harness({ healthcheck: check });
    let calls = 0;
    h.driver.onExec(() => {
      calls += 1;
      if (calls === 2) throw new Error('exec refused');
      return { exitCode: 0, output: 'ok', timedOut: false };
    });
    h.runner.start();
    await h.clock.advance(1_000);
    expect(h.runner.status).toMatchObject({ health: 'healthy', message: '' });
    await h.clock.advance(1_000);
    expect(h.runner.status).toMatchObject({ health: 'healthy', message: 'health check failing (1 of 2): exec refused' });
  });
});

describe('TaskRunner stop and remove', () => {
  it('stop uses the service stop signal and grace period, ends stopped and does not restart', async () => {
    const h = harness({ ...policy({ condition: 'any' }), stopSignal: 'SIGINT', stopGracePeriodMs: 3_000 }, { ignoresStopSignal: true });
    h.runner.start();
    await settle();
    let done = false;
    const stopping = h.runner.stop().then(() => (done = true));
    await h.clock.advance(2_999);
    expect(done).toBe(false);
    await h.clock.advance(1);
    await stopping;
    expect(h.driver.callsOf('stop')).toMatchObject([{ signal: 'SIGINT', graceMs: 3_000, at: T0 }]);
    expect(h.runner.status).toMatchObject({ state: 'stopped', exitCode: 137, message: 'exited with code 137; stopped by user' });
    expect(h.runner.status.stateTimes.stopped).toBe(T0 + 3_000);
    await h.clock.advance(60_000);
    expect(h.driver.callsOf('start')).toHaveLength(1);
  });

  it('stop during a restart backoff cancels the restart', async () => {
    const h = harness(policy({ condition: 'any' }), { exitAfterMs: 10, exitCode: 1 });
    h.runner.start();
    await h.clock.advance(25); // exit at 10, restart at 10, exit at 20, backoff 100 ms
    expect(h.runner.status.state).toBe('failed');
    await h.runner.stop();
    await h.clock.advance(1_000);
    expect(h.driver.callsOf('start')).toHaveLength(2);
    expect(h.runner.status).toMatchObject({ state: 'stopped', exitCode: 1, message: 'stopped while waiting to restart' });
    expect(h.runner.final).toMatchObject({ state: 'stopped' });
    expect(h.clock.pendingTimers).toBe(0);
  });

  it('stop while waiting for the gate never starts the task', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    const gate: OperationGate = async (_kind, op) => {
      await held;
      return op();
    };
    const h = harness({}, {}, gate);
    h.runner.start();
    await settle();
    const stopping = h.runner.stop();
    release();
    await stopping;
    expect(h.driver.callsOf('prepare')).toHaveLength(0);
    expect(h.driver.callsOf('start')).toHaveLength(0);
    expect(h.runner.status).toMatchObject({ state: 'stopped', message: 'stopped before it started' });
  });

  it('remove while the driver is starting the workload stops and removes what that start made', async () => {
    let release: () => void = () => undefined;
    const held = new Promise<void>((resolve) => (release = resolve));
    let calls = 0;
    // The second gated operation is the start: it runs, but the runner hears of it only later.
    const gate: OperationGate = async (_kind, op) => {
      calls += 1;
      const done = await op();
      if (calls === 2) await held;
      return done;
    };
    const h = harness({}, {}, gate);
    h.runner.start();
    await settle();
    expect(h.driver.callsOf('start')).toHaveLength(1);
    const removing = h.runner.remove();
    release();
    await removing;
    const started = h.driver.callsOf('start').length;
    expect(started).toBe(1);
    const [stop] = h.driver.callsOf('stop');
    expect(stop).toBeDefined();
    expect(h.driver.callsOf('remove')).toMatchObject([{ id: stop!.id }]);
    expect(h.driver.has(stop!.id)).toBe(false);
  });

  it('remove stops, then removes the workload; a later start is refused quietly', async () => {
    const h = harness();
    h.runner.start();
    await settle();
    const id = h.runner.handle?.id ?? '';
    await h.runner.remove();
    expect(h.driver.calls.map((c) => c.op)).toEqual(['prepare', 'start', 'stop', 'remove']);
    expect(h.driver.has(id)).toBe(false);
    h.runner.start();
    await settle();
    expect(h.driver.callsOf('start')).toHaveLength(1);
  });

  it('a start after a stop is a fresh run, not a restart', async () => {
    const h = harness();
    h.runner.start();
    await settle();
    await h.runner.stop();
    h.runner.start();
    await settle();
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 0 });
    expect(h.driver.callsOf('prepare')).toHaveLength(2);
  });
});

describe('TaskRunner adopt', () => {
  function seeded(h: ReturnType<typeof harness>, state: 'running' | 'exited', exitCode = 1) {
    const handle: WorkloadHandle = { driver: 'docker', id: 'docker-old', ref: fakeTaskDescriptor('t1').ref, startedAt: T0 - 60_000 };
    const recovered =
      state === 'running'
        ? { handle, state, restarts: 4 }
        : { handle, state, restarts: 4, exit: { exitCode, oomKilled: false, finishedAt: T0 - 1_000 } };
    h.driver.seed(recovered);
    return recovered;
  }

  it('a running workload is adopted without a restart: same runtime id and restart count', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.runner.adopt(seeded(h, 'running'));
    await settle();
    expect(h.driver.callsOf('start')).toHaveLength(0);
    expect(h.runner.status).toMatchObject({ state: 'running', runtimeId: 'docker-old', restarts: 4 });
    expect(h.runner.status.stateTimes.running).toBe(T0 - 60_000);
    h.driver.crash('t1', 2);
    await settle();
    expect(h.driver.callsOf('start')).toMatchObject([{ previousId: 'docker-old' }]);
    expect(h.runner.status).toMatchObject({ state: 'running', runtimeId: 'docker-old', restarts: 5 });
    expect(h.driver.callsOf('recordRestarts')).toMatchObject([{ restarts: 5 }]);
  });

  it('a workload that exited while the agent was away goes through the restart policy', async () => {
    const h = harness(policy({ condition: 'on-failure' }));
    h.runner.adopt(seeded(h, 'exited', 3));
    await settle();
    expect(h.statuses.some((s) => s.state === 'failed' && s.exitCode === 3)).toBe(true);
    expect(h.runner.status).toMatchObject({ state: 'running', restarts: 5, runtimeId: 'docker-old' });
  });

  it('an exited workload of a task that had finished is reported as it was, not restarted', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.runner.adopt(seeded(h, 'exited', 0), { state: 'stopped', message: 'exited with code 143; stopped by user', exitCode: 143 });
    await settle();
    expect(h.driver.callsOf('start')).toHaveLength(0);
    expect(h.runner.status).toMatchObject({ state: 'stopped', exitCode: 143, restarts: 4, runtimeId: 'docker-old' });
  });

  it('detach leaves the workload running and stays silent', async () => {
    const h = harness(policy({ condition: 'any' }));
    h.runner.adopt(seeded(h, 'running'));
    await settle();
    const count = h.statuses.length;
    h.runner.detach();
    h.driver.crash('t1', 1);
    await h.clock.advance(1_000);
    expect(h.driver.callsOf('start')).toHaveLength(0);
    expect(h.statuses).toHaveLength(count);
  });
});
