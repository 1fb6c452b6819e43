// Fencing and the order of a complete set, over the FakeDriver on a FakeClock. Workloads ignore
// SIGTERM here, so a stop takes exactly the grace it is given and the test can see which grace.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@berth/api';
import type { RecoveredWorkload } from '../runtime/runtime.js';
import { FakeDriver } from '../runtime/fake/fake-driver.js';
import { fakeServiceSpec, fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import { FakeClock, settle } from '../task/fake-clock.js';
import type { TaskAssignment, TaskAssignmentSet } from './assignments.js';
import { describeFence, FENCE_STOP_GRACE_MS, fenceStopGraceMs, planFence, type FenceCandidate } from './fence.js';
import { Supervisor } from './supervisor.js';

const T0 = 1_000_000;
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-supervisor-fence-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function setup() {
  const clock = new FakeClock(T0);
  const docker = new FakeDriver({ clock, defaultPlan: { ignoresStopSignal: true } });
  const supervisor = new Supervisor({ nodeId: 'node-1', dataDir, drivers: { docker }, clock });
  const warnings: string[] = [];
  supervisor.on('warning', (w) => warnings.push(w));
  return { clock, docker, supervisor, warnings };
}

/** Task `id`: fenced unless `keepRunning`; restart `any` with an immediate first restart. */
const assign = (id: string, { keepRunning = false, spec = {} }: { keepRunning?: boolean; spec?: Partial<ServiceSpec> } = {}): TaskAssignment => {
  const base = fakeServiceSpec(spec);
  return { task: fakeTaskDescriptor(id, { ...base, berth: { ...base.berth, keepRunningWhenDisconnected: keepRunning } }), desiredState: 'run' };
};
const complete = (...assignments: TaskAssignment[]): TaskAssignmentSet => ({ kind: 'complete', assignments, removedTaskIds: [] });
const stateOf = (s: Supervisor, id: string) => s.runner(id)?.status.state;
const stops = (docker: FakeDriver) => docker.callsOf('stop').map((c) => [c.taskId, c.graceMs]);
const starts = (docker: FakeDriver) => docker.callsOf('start').map((c) => c.taskId);

describe('Supervisor.fence', () => {
  it('stops every task that does not keep running, with the short grace, and leaves the others', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(
      assign('web'),
      assign('slow', { spec: { stopGracePeriodMs: 30_000 } }),
      assign('quick', { spec: { stopGracePeriodMs: 200 } }),
      assign('cache', { keepRunning: true }),
    ));
    await settle();

    const fence = supervisor.fence();
    expect([fence.stop, fence.keepRunning]).toEqual([['web', 'slow', 'quick'], ['cache']]);
    await settle();
    expect(stops(docker)).toEqual([['web', FENCE_STOP_GRACE_MS], ['slow', FENCE_STOP_GRACE_MS], ['quick', 200]]);
    await clock.advance(FENCE_STOP_GRACE_MS); // SIGTERM ignored: killed at the end of the grace
    await fence.done;
    expect(['web', 'slow', 'quick', 'cache'].map((id) => stateOf(supervisor, id))).toEqual(['stopped', 'stopped', 'stopped', 'running']);
    expect(docker.running('cache')).toBeDefined();
  });

  it('does not restart what it stopped, whatever the restart policy, and remembers it across an agent restart', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('web')));
    await settle();
    await clock.advance(FENCE_STOP_GRACE_MS);
    const fence = supervisor.fence();
    await clock.advance(FENCE_STOP_GRACE_MS);
    await fence.done;
    await clock.advance(120_000); // long past any restart backoff
    expect(starts(docker)).toEqual(['web']);
    expect(stateOf(supervisor, 'web')).toBe('stopped');
    await supervisor.close();
    const saved = JSON.parse(readFileSync(join(dataDir, 'tasks.json'), 'utf8')) as { tasks: { desiredState: string }[] };
    expect(saved.tasks.map((t) => t.desiredState)).toEqual(['stop']);
  });

  it('starts the fenced tasks again when the next set lists them, and removes those it leaves out', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('web'), assign('api'), assign('cache', { keepRunning: true })));
    await settle();
    const fence = supervisor.fence();
    await clock.advance(FENCE_STOP_GRACE_MS);
    await fence.done;

    // Reconnected: api was replaced elsewhere meanwhile; web and cache are still this node's.
    await supervisor.applyAssignments(complete(assign('web'), assign('cache', { keepRunning: true })));
    await settle();
    expect(stateOf(supervisor, 'web')).toBe('running');
    expect(supervisor.runner('api')).toBeUndefined();
    expect(starts(docker)).toEqual(['web', 'api', 'cache', 'web']);
    expect(docker.callsOf('start').filter((c) => c.taskId === 'cache')).toHaveLength(1); // never stopped

    // Running again: a crash is restarted by its policy as before.
    docker.crash('web', 1);
    await settle();
    await clock.advance(1_000);
    expect(starts(docker).filter((t) => t === 'web')).toHaveLength(3);
  });

  it('does not let a set sent before the lease ran out, held up by a recovery, start what the fence stopped', async () => {
    const clock = new FakeClock(T0);
    const docker = new FakeDriver({ clock, defaultPlan: { ignoresStopSignal: true } });
    const proc = new FakeDriver({ clock, name: 'process', defaultPlan: { ignoresStopSignal: true } });
    const supervisor = new Supervisor({ nodeId: 'node-1', dataDir, drivers: { docker, process: proc }, clock });
    const warnings: string[] = [];
    supervisor.on('warning', (w) => warnings.push(w));
    // Left by the previous agent run: `db` on Docker, whose engine does not answer at start (held),
    // and `web` on the process driver (adopted, running).
    const db = assign('db').task;
    const web = assign('web', { spec: { berth: { ...fakeServiceSpec().berth, driver: 'process', keepRunningWhenDisconnected: false } } }).task;
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 1, tasks: [db, web].map((task) => ({ task, desiredState: 'run', restarts: 0 })) }));
    docker.seed({ handle: { driver: 'docker', id: 'c-db', ref: db.ref, startedAt: T0 - 5_000 }, state: 'running', restarts: 0 });
    proc.seed({ handle: { driver: 'process', id: 'p-web', ref: web.ref, startedAt: T0 - 5_000 }, state: 'running', restarts: 0 });
    const recover = docker.recover.bind(docker);
    docker.recover = () => Promise.reject(new Error('engine not answering'));
    expect((await supervisor.recover()).held).toEqual(['db']);

    // A set arrives; its apply waits for the engine, which answers only after the lease ran out.
    let answer = (): void => {};
    docker.recover = (nodeId) => new Promise<RecoveredWorkload[]>((resolve) => (answer = () => resolve(recover(nodeId))));
    const applying = supervisor.applyAssignments(complete({ task: db, desiredState: 'run' }, { task: web, desiredState: 'run' }));
    await settle();
    const fence = supervisor.fence();
    expect(fence.stop).toEqual(['web']);
    await clock.advance(FENCE_STOP_GRACE_MS);
    await fence.done;
    answer();
    await settle();
    await clock.advance(FENCE_STOP_GRACE_MS);
    await applying;
    await settle();

    // The stale set started nothing, and the workload recovery found late is fenced too.
    expect(proc.callsOf('start')).toEqual([]);
    expect(docker.callsOf('start')).toEqual([]);
    expect([stateOf(supervisor, 'web'), stateOf(supervisor, 'db')]).toEqual(['stopped', 'stopped']);
    expect(docker.running('db')).toBeUndefined();
    expect(warnings).toContainEqual(expect.stringMatching(/skipped an assignment set .* before the lease ran out/));

    // The next registration's complete set runs them again.
    await supervisor.applyAssignments(complete({ task: db, desiredState: 'run' }, { task: web, desiredState: 'run' }));
    await settle();
    expect([stateOf(supervisor, 'web'), stateOf(supervisor, 'db')]).toEqual(['running', 'running']);
  });

  it('counts nothing it did not stop: tasks ended for good or meant to be stopped', async () => {
    const { clock, docker, supervisor } = setup();
    docker.plan('once', { exitAfterMs: 100 });
    await supervisor.applyAssignments(complete(
      assign('once', { spec: { restart: { condition: 'none', maxAttempts: 0, windowMs: 0 } } }),
      { ...assign('parked'), desiredState: 'stop' },
    ));
    await settle();
    await clock.advance(100);
    expect(stateOf(supervisor, 'once')).toBe('exited');
    const fence = supervisor.fence();
    expect([fence.stop, fence.keepRunning]).toEqual([[], []]);
    await fence.done;
    expect(docker.callsOf('stop')).toEqual([]);
  });
});

describe('Supervisor: a complete set has every stop under way before anything starts', () => {
  it('after a fence, a reconnect starts nothing until the stale task is stopped and its removal begun', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('stale'), assign('kept')));
    await settle();
    const fence = supervisor.fence(); // stale and kept: SIGTERM ignored, killed after 500 ms
    // The complete set arrives at once (after a freeze, it was waiting in the socket).
    const applying = supervisor.applyAssignments(complete(assign('fresh'), assign('kept')));
    await settle();
    expect(starts(docker)).toEqual(['stale', 'kept']);

    await clock.advance(FENCE_STOP_GRACE_MS);
    await fence.done;
    await applying;
    await settle();
    const at = (op: 'start' | 'remove', taskId: string) => docker.calls.find((c) => c.op === op && 'taskId' in c && c.taskId === taskId && c.at >= T0 + FENCE_STOP_GRACE_MS)?.at;
    expect(at('remove', 'stale')).toBe(T0 + FENCE_STOP_GRACE_MS);
    expect(at('start', 'fresh')).toBe(T0 + FENCE_STOP_GRACE_MS);
    const order = docker.calls.map((c) => `${c.op} ${'taskId' in c ? c.taskId : ''}`);
    expect(order.indexOf('remove stale')).toBeLessThan(order.indexOf('start fresh'));
    expect(['fresh', 'kept'].map((id) => stateOf(supervisor, id))).toEqual(['running', 'running']);
  });

  it('an incremental set does not wait for its removals', async () => {
    const { docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('old')));
    await settle();
    void supervisor.applyAssignments({ kind: 'incremental', assignments: [assign('new')], removedTaskIds: ['old'] });
    await settle();
    expect(stateOf(supervisor, 'new')).toBe('running'); // while old still takes its 10 s grace
    expect(docker.running('old')).toBeDefined();
  });
});

describe('describeFence', () => {
  it.each([
    [{ sinceAcknowledgedMs: 3_012, acknowledged: true }, { stop: ['a', 'b', 'c', 'd'], keepRunning: ['e', 'f'] },
      'lease expired 3.0 s after the last acknowledged heartbeat: stopped 4 tasks (2 keep running: keep_running_when_disconnected)'],
    [{ sinceAcknowledgedMs: 10_460, acknowledged: true }, { stop: ['a'], keepRunning: [] },
      'lease expired 10.5 s after the last acknowledged heartbeat: stopped 1 task'],
    [{ sinceAcknowledgedMs: 3_000, acknowledged: false }, { stop: [], keepRunning: ['e'] },
      'lease expired 3.0 s after the agent started (nothing acknowledged yet): stopped 0 tasks (1 keep running: keep_running_when_disconnected)'],
  ])('%j %j', (lease, plan, line) => {
    expect(describeFence(lease, plan)).toBe(line);
  });
});

describe('planFence', () => {
  const candidate = (taskId: string, over: Partial<FenceCandidate> & { keepRunning?: boolean } = {}): FenceCandidate => ({
    taskId,
    spec: { berth: { ...fakeServiceSpec().berth, keepRunningWhenDisconnected: over.keepRunning ?? false } },
    desiredState: over.desiredState ?? 'run',
    ended: over.ended ?? false,
    held: over.held ?? false,
  });

  it('stops live tasks, keeps those that keep running, and skips stopped, ended and held ones', () => {
    const plan = planFence([
      candidate('a'),
      candidate('b', { keepRunning: true }),
      candidate('c', { desiredState: 'stop' }),
      candidate('d', { ended: true }),
      candidate('e', { held: true }),
      candidate('f'),
    ]);
    expect(plan).toEqual({ stop: ['a', 'f'], keepRunning: ['b'] });
  });

  it('gives each task the shorter of its stop grace period and FENCE_STOP_GRACE_MS (500 ms)', () => {
    expect(FENCE_STOP_GRACE_MS).toBe(500);
    expect([10_000, 500, 100, 0].map((stopGracePeriodMs) => fenceStopGraceMs({ stopGracePeriodMs }))).toEqual([500, 500, 100, 0]);
  });
});
