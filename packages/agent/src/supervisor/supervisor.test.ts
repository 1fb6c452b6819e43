import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSpec, TaskStatus } from '@berth/api';
import { FakeDriver, type FakeDriverOptions } from '../runtime/fake/fake-driver.js';
import { fakeServiceSpec, fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import type { RecoveredWorkload } from '../runtime/runtime.js';
import { FakeClock, settle } from '../task/fake-clock.js';
import type { TaskAssignment } from './assignments.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';

const T0 = 1_000_000;
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-supervisor-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

function setup(driverOptions: FakeDriverOptions = {}, options: Partial<SupervisorOptions> = {}) {
  const clock = new FakeClock(T0);
  const docker = new FakeDriver({ clock, ...driverOptions });
  return { clock, docker, ...supervisorOn(clock, docker, options) };
}

/** A supervisor of node-1 over `docker`, recording its batches and warnings. */
function supervisorOn(clock: FakeClock, docker: FakeDriver, options: Partial<SupervisorOptions> = {}) {
  const supervisor = new Supervisor({ nodeId: 'node-1', dataDir, drivers: { docker }, clock, ...options });
  const batches: TaskStatus[][] = [];
  const warnings: string[] = [];
  supervisor.on('statuses', (b) => batches.push(b));
  supervisor.on('warning', (w) => warnings.push(w));
  return { supervisor, batches, warnings };
}

const assign = (id: string, spec: Partial<ServiceSpec> = {}, desiredState: 'run' | 'stop' = 'run'): TaskAssignment => ({
  task: fakeTaskDescriptor(id, fakeServiceSpec(spec)),
  desiredState,
});
const complete = (...assignments: TaskAssignment[]) => ({ kind: 'complete' as const, assignments, removedTaskIds: [] });
const stateOf = (s: Supervisor, id: string) => s.runner(id)?.status.state;
/** Applies a set and lets the starts it began settle (the fake driver answers at once). */
async function apply(supervisor: Supervisor, set: Parameters<Supervisor['applyAssignments']>[0]): Promise<void> {
  await supervisor.applyAssignments(set);
  await settle();
}
const persisted = () => JSON.parse(readFileSync(join(dataDir, 'tasks.json'), 'utf8'));

describe('Supervisor assignments', () => {
  it('a complete set starts what is new and stops and removes what it no longer lists', async () => {
    const { supervisor, docker } = setup();
    await apply(supervisor, complete(assign('a'), assign('b')));
    expect([stateOf(supervisor, 'a'), stateOf(supervisor, 'b')]).toEqual(['running', 'running']);
    const aId = docker.running('a')?.id;
    await apply(supervisor, complete(assign('b'), assign('c')));
    expect(docker.callsOf('stop').map((c) => c.id)).toEqual([aId]);
    expect(docker.callsOf('remove').map((c) => c.id)).toEqual([aId]);
    expect(supervisor.runner('a')).toBeUndefined();
    expect(docker.callsOf('start').map((c) => c.taskId)).toEqual(['a', 'b', 'c']);
    expect(supervisor.statuses().map((s) => [s.taskId, s.state])).toEqual([['b', 'running'], ['c', 'running']]);
  });

  it('reports a removed task as stopped, so the scheduler can forget it at once', async () => {
    const { supervisor, batches, clock } = setup();
    await apply(supervisor, complete(assign('a'), assign('b')));
    await apply(supervisor, complete(assign('b')));
    await clock.advance(1_000); // past the status batching window
    await settle();
    const last = batches.flat().filter((s) => s.taskId === 'a').at(-1);
    expect(last?.state).toBe('stopped');
  });

  it('an incremental set adds and removes only what it lists', async () => {
    const { supervisor, docker } = setup();
    await apply(supervisor, complete(assign('a'), assign('b')));
    await apply(supervisor, { kind: 'incremental', assignments: [assign('c')], removedTaskIds: ['a'] });
    expect(supervisor.statuses().map((s) => s.taskId).sort()).toEqual(['b', 'c']);
    expect(docker.callsOf('stop').map((c) => c.taskId)).toEqual(['a']);
    expect(docker.running('b')).toBeDefined();
  });

  it('a changed spec stops and removes the old workload before starting the new one', async () => {
    const { supervisor, docker } = setup();
    await apply(supervisor, complete(assign('a')));
    const oldId = docker.running('a')?.id;
    await apply(supervisor, complete(assign('a', { image: 'example/app:2' })));
    const ops = docker.calls.filter((c) => c.op !== 'recordRestarts').map((c) => c.op);
    expect(ops).toEqual(['prepare', 'start', 'stop', 'remove', 'prepare', 'start']);
    expect(docker.callsOf('start')[1]?.previousId).toBeUndefined();
    expect(supervisor.runner('a')?.task.spec.image).toBe('example/app:2');
    expect(supervisor.runner('a')?.status).toMatchObject({ state: 'running', restarts: 0 });
    expect(docker.running('a')?.id).not.toBe(oldId);
  });

  it('desired stop stops the task (kept, reported stopped); desired run starts it afresh', async () => {
    const { supervisor, docker } = setup();
    await apply(supervisor, complete(assign('a')));
    await apply(supervisor, complete(assign('a', {}, 'stop')));
    expect(stateOf(supervisor, 'a')).toBe('stopped');
    expect(docker.callsOf('remove')).toHaveLength(0);
    await apply(supervisor, complete(assign('a')));
    expect(stateOf(supervisor, 'a')).toBe('running');
    expect(docker.callsOf('start')).toHaveLength(2);
  });

  it('starts 20 tasks with at most `concurrency` driver operations at once', async () => {
    const { supervisor, docker, clock } = setup({ latencyMs: { prepare: 50, start: 50 } }, { concurrency: 8 });
    const ids = Array.from({ length: 20 }, (_, i) => `t${i}`);
    void supervisor.applyAssignments(complete(...ids.map((id) => assign(id))));
    await clock.advance(1_000);
    expect(docker.peakInFlight).toBe(8);
    expect(supervisor.statuses().every((s) => s.state === 'running')).toBe(true);
    // 40 operations of 50 ms, 8 at a time: five rounds.
    expect(Math.max(...supervisor.statuses().map((s) => s.stateTimes.running ?? 0))).toBe(T0 + 250);
  });

  it('a task for a driver the node lacks fails with a clear message instead of breaking the set', async () => {
    const { supervisor } = setup();
    const base = fakeServiceSpec();
    await apply(supervisor, complete(assign('p', { berth: { ...base.berth, driver: 'process' } }), assign('d')));
    expect(supervisor.runner('p')?.status).toMatchObject({
      state: 'failed',
      message: 'the process driver is not available on this node; restarting in 100 ms',
    });
    expect(stateOf(supervisor, 'd')).toBe('running');
  });
});

describe('Supervisor status batches', () => {
  it('delivers status changes in batches after the batch delay, latest status per task', async () => {
    const { supervisor, batches, clock } = setup({}, { batch: { delayMs: 30, maxSize: 100 } });
    await apply(supervisor, complete(assign('a'), assign('b'), assign('c')));
    expect(batches).toEqual([]);
    await clock.advance(29);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches).toHaveLength(1);
    expect(batches[0]?.map((s) => [s.taskId, s.state])).toEqual([['a', 'running'], ['b', 'running'], ['c', 'running']]);
  });

  it('sends a batch as soon as it holds maxSize tasks', async () => {
    const { supervisor, batches, clock } = setup({}, { batch: { delayMs: 30, maxSize: 4 } });
    await apply(supervisor, complete(...['a', 'b', 'c', 'd', 'e'].map((id) => assign(id))));
    expect(batches.length).toBeGreaterThan(0); // before any time passed
    await clock.advance(30);
    expect(batches.every((b) => b.length <= 4)).toBe(true);
    const latest = new Map(batches.flat().map((s) => [s.taskId, s.state]));
    expect([...latest]).toEqual(['a', 'b', 'c', 'd', 'e'].map((id) => [id, 'running']));
  });
});

describe('Supervisor persistence and recovery', () => {
  it('keeps tasks.json with descriptor, desired state, restart count and final status', async () => {
    const { supervisor, docker, clock } = setup();
    await apply(supervisor, { ...complete(assign('a', { restart: { condition: 'on-failure', maxAttempts: 1, windowMs: 0 } })), revision: 7 });
    docker.crash('a', 1);
    await clock.advance(1);
    docker.crash('a', 1);
    await clock.advance(1);
    await supervisor.close();
    const file = persisted();
    expect(file).toMatchObject({ version: 1, revision: 7 });
    expect(file.tasks).toMatchObject([
      {
        task: { ref: { taskId: 'a' }, spec: { image: 'example/app:1' } },
        desiredState: 'run',
        restarts: 1,
        final: { state: 'failed', exitCode: 1, message: 'exited with code 1; gave up after 1 restart (on-failure:1)' },
      },
    ]);
  });

  it('after an agent restart, adopts running workloads without restarting them, with their counts', async () => {
    const first = setup();
    await apply(first.supervisor, complete(assign('a'), assign('b')));
    first.docker.crash('a', 1);
    await settle();
    first.docker.crash('a', 1);
    await first.clock.advance(100);
    const ids = { a: first.docker.running('a')?.id, b: first.docker.running('b')?.id };
    await first.supervisor.close();
    expect(first.docker.callsOf('stop')).toHaveLength(0); // shutting down stops nothing

    const second = supervisorOn(first.clock, first.docker);
    const report = await second.supervisor.recover();
    expect(report).toMatchObject({ adopted: ['a', 'b'], started: [], orphans: [], problems: [] });
    expect(first.docker.callsOf('start')).toHaveLength(4); // a, b, and a's two restarts: none now
    expect(second.supervisor.runner('a')?.status).toMatchObject({ state: 'running', runtimeId: ids.a, restarts: 2 });
    expect(second.supervisor.runner('b')?.status).toMatchObject({ state: 'running', runtimeId: ids.b, restarts: 0 });
    // And goes on as usual: the next crash is restarted in place, counting on.
    first.docker.crash('a', 1);
    await settle();
    expect(second.supervisor.runner('a')?.status).toMatchObject({ state: 'running', restarts: 3 });
  });

  it('starts a task whose workload vanished with the host only when a set lists it again', async () => {
    const { supervisor, docker } = setup();
    // Fake tasks keep running when disconnected unless told otherwise.
    const fenced = fakeServiceSpec({ berth: { ...fakeServiceSpec().berth, keepRunningWhenDisconnected: false } });
    const gone = fakeTaskDescriptor('gone', fenced);
    const moved = fakeTaskDescriptor('moved', fenced);
    const available = fakeTaskDescriptor('available', fakeServiceSpec({ berth: { ...fakeServiceSpec().berth, keepRunningWhenDisconnected: true } }));
    const tasks = [gone, moved, available].map((task) => ({ task, desiredState: 'run', restarts: 4 }));
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 2, tasks }));
    const report = await supervisor.recover();
    await settle();
    // The scheduler may have placed them elsewhere while the host was down: nothing starts yet,
    // except the service that chose availability.
    expect(report).toMatchObject({ adopted: [], started: ['available'], awaiting: ['gone', 'moved'] });
    expect(docker.callsOf('start').map((c) => c.taskId)).toEqual(['available']);

    // The complete set keeps `gone` here (it starts, with its count) and left `moved` out.
    await apply(supervisor, complete(assign('gone', fenced), assign('available', { berth: available.spec.berth })));
    await settle();
    expect(docker.callsOf('start').map((c) => c.taskId).sort()).toEqual(['available', 'gone']);
    expect(supervisor.runner('gone')?.status).toMatchObject({ state: 'running', restarts: 4 });
    expect(supervisor.runner('moved')).toBeUndefined();
  });

  it('takes the persisted restart count when the driver keeps none', async () => {
    const { supervisor, docker } = setup();
    const task = fakeTaskDescriptor('a');
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 3, tasks: [{ task, desiredState: 'run', restarts: 6 }] }));
    docker.seed({ handle: { driver: 'docker', id: 'c-a', ref: task.ref, startedAt: T0 - 5_000 }, state: 'running', restarts: 0 });
    await supervisor.recover();
    expect(supervisor.revision).toBe(3);
    expect(supervisor.runner('a')?.status).toMatchObject({ state: 'running', runtimeId: 'c-a', restarts: 6 });
  });

  it('a workload that exited while the agent was away goes through the restart policy', async () => {
    const { supervisor, docker } = setup();
    const task = fakeTaskDescriptor('a');
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 1, tasks: [{ task, desiredState: 'run', restarts: 1 }] }));
    docker.seed({ handle: { driver: 'docker', id: 'c-a', ref: task.ref, startedAt: T0 - 5_000 }, state: 'exited', restarts: 1, exit: { exitCode: 137, oomKilled: false, finishedAt: T0 - 10 } });
    await supervisor.recover();
    await settle();
    expect(docker.callsOf('start')).toMatchObject([{ taskId: 'a', previousId: 'c-a' }]);
    expect(supervisor.runner('a')?.status).toMatchObject({ state: 'running', restarts: 2 });
  });

  it('reports orphans and stops nothing until a complete set: then claims or removes them', async () => {
    const { supervisor, docker } = setup();
    const orphan = (id: string): RecoveredWorkload => ({
      handle: { driver: 'docker', id: `c-${id}`, ref: fakeTaskDescriptor(id).ref, startedAt: T0 - 1_000 },
      state: 'running',
      restarts: 2,
    });
    docker.seed(orphan('keep')).seed(orphan('stray'));
    const report = await supervisor.recover();
    expect(report.orphans.map((w) => w.handle.id).sort()).toEqual(['c-keep', 'c-stray']);
    expect(docker.callsOf('stop')).toHaveLength(0);

    await apply(supervisor, complete(assign('keep')));
    expect(docker.callsOf('stop')).toMatchObject([{ id: 'c-stray', signal: 'SIGTERM', graceMs: 10_000 }]);
    expect(docker.callsOf('remove')).toMatchObject([{ id: 'c-stray' }]);
    expect(docker.callsOf('start')).toHaveLength(0);
    expect(supervisor.runner('keep')?.status).toMatchObject({ state: 'running', runtimeId: 'c-keep', restarts: 2 });
    expect(supervisor.orphans).toEqual([]);
  });

  it('holds tasks whose driver could not recover (no second copy), and recovers them with the next set', async () => {
    const { supervisor, docker, warnings } = setup();
    const task = fakeTaskDescriptor('a');
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 1, tasks: [{ task, desiredState: 'run', restarts: 0 }] }));
    docker.seed({ handle: { driver: 'docker', id: 'c-a', ref: task.ref, startedAt: T0 - 5_000 }, state: 'running', restarts: 0 });
    const recover = docker.recover.bind(docker);
    docker.recover = () => Promise.reject(new Error('engine not answering'));
    const report = await supervisor.recover();
    expect(report).toMatchObject({ held: ['a'], problems: ['recovering docker workloads failed: engine not answering'] });
    expect(warnings).toEqual(['recovering docker workloads failed: engine not answering']);
    expect(stateOf(supervisor, 'a')).toBe('assigned');

    docker.recover = recover;
    await apply(supervisor, complete({ task, desiredState: 'run' }));
    expect(docker.callsOf('start')).toHaveLength(0);
    expect(supervisor.runner('a')?.status).toMatchObject({ state: 'running', runtimeId: 'c-a' });
  });

  it('restores a task that had finished as it was, without running it', async () => {
    const { supervisor, docker } = setup();
    const task = fakeTaskDescriptor('a');
    const final = { state: 'exited', message: 'exited with code 0; not restarted (restart policy "none")', exitCode: 0 };
    writeFileSync(join(dataDir, 'tasks.json'), JSON.stringify({ version: 1, revision: 1, tasks: [{ task, desiredState: 'run', restarts: 0, final }] }));
    const report = await supervisor.recover();
    expect(report.restored).toEqual(['a']);
    expect(docker.callsOf('start')).toHaveLength(0);
    expect(supervisor.runner('a')?.status).toMatchObject(final);
  });
});
