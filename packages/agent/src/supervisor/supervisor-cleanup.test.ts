// The supervisor's side of a stack cleanup, over the FakeDriver on a FakeClock: it runs the
// drivers' cleanup only after the stack's removals, and never instead of a fresh deployment.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@berth/api';
import { FakeDriver } from '../runtime/fake/fake-driver.js';
import { fakeServiceSpec, fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import type { StackCleanupReport } from '../runtime/runtime.js';
import { FakeClock, settle } from '../task/fake-clock.js';
import type { TaskAssignment } from './assignments.js';
import { Supervisor, type SupervisorOptions } from './supervisor.js';

const T0 = 1_000_000;
let dataDir: string;
beforeEach(() => {
  dataDir = mkdtempSync(join(tmpdir(), 'berth-supervisor-cleanup-'));
});
afterEach(() => rmSync(dataDir, { recursive: true, force: true }));

/** A supervisor over one fake docker driver whose workloads ignore SIGTERM (a stop takes the whole grace). */
function setup(options: Partial<SupervisorOptions> = {}) {
  const clock = new FakeClock(T0);
  const docker = new FakeDriver({ clock, defaultPlan: { ignoresStopSignal: true } });
  const supervisor = new Supervisor({ nodeId: 'node-1', dataDir, drivers: { docker }, clock, ...options });
  const warnings: string[] = [];
  supervisor.on('warning', (w) => warnings.push(w));
  return { clock, docker, supervisor, warnings };
}

/** Task `id` of stack `stack` (stop grace 10 s). */
const assign = (id: string, stack = 'test', spec: Partial<ServiceSpec> = {}): TaskAssignment => {
  const task = fakeTaskDescriptor(id, fakeServiceSpec(spec));
  return { task: { ...task, ref: { ...task.ref, stack } }, desiredState: 'run' };
};
const complete = (...assignments: TaskAssignment[]) => ({ kind: 'complete' as const, assignments, removedTaskIds: [] });
const removal = (...removedTaskIds: string[]) => ({ kind: 'incremental' as const, assignments: [], removedTaskIds });
/** The driver calls that matter here, as `op task-or-stack`. */
const ops = (docker: FakeDriver): string[] =>
  docker.calls.flatMap((c) => {
    if (c.op === 'cleanupStack') return [`cleanupStack ${c.stack} removeVolumes=${c.removeVolumes}`];
    if (c.op === 'stop' || c.op === 'remove' || c.op === 'start') return [`${c.op} ${c.taskId}`];
    return [];
  });

describe('Supervisor.cleanupStack', () => {
  it('waits for the removals in flight, then cleans up once, leaving other stacks alone', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('a'), assign('b'), assign('x', 'other')));
    await settle();
    const removing = supervisor.applyAssignments(removal('a', 'b'));
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: true });
    await clock.advance(9_999); // a and b ignore SIGTERM: their stops take the 10 s grace
    expect(docker.callsOf('cleanupStack')).toEqual([]);
    expect(docker.callsOf('remove')).toEqual([]);

    await clock.advance(1);
    await removing;
    const result = await cleaning;
    expect(ops(docker)).toEqual([
      'start a', 'start b', 'start x',
      'stop a', 'stop b',
      'remove a', 'remove b',
      'cleanupStack test removeVolumes=true',
    ]);
    expect(docker.callsOf('cleanupStack')[0]?.at).toBe(T0 + 10_000);
    expect(result).toEqual({ stack: 'test', removed: [], kept: [] });
    expect(docker.running('x')).toBeDefined();
  });

  it('cleans up at once when the node has nothing of the stack', async () => {
    const { docker, supervisor, warnings } = setup();
    await supervisor.applyAssignments(complete(assign('x', 'other')));
    await settle();
    expect(await supervisor.cleanupStack('test', { removeVolumes: false })).toEqual({ stack: 'test', removed: [], kept: [] });
    expect(docker.callsOf('cleanupStack')).toMatchObject([{ stack: 'test', removeVolumes: false, at: T0 }]);
    expect(warnings).toEqual([]);
  });

  it('a cleanup that arrives before the removal set waits for that set and its removals', async () => {
    const { clock, docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('a')));
    await settle();
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: false });
    await clock.advance(1_000);
    expect(docker.callsOf('cleanupStack')).toEqual([]);

    const removing = supervisor.applyAssignments(removal('a'));
    await clock.advance(10_000);
    await removing;
    await cleaning;
    expect(ops(docker)).toEqual(['start a', 'stop a', 'remove a', 'cleanupStack test removeVolumes=false']);
  });

  it('does not clean up a stack that got tasks on the node again while it waited', async () => {
    const { clock, docker, supervisor, warnings } = setup();
    await supervisor.applyAssignments(complete(assign('a')));
    await settle();
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: true });
    // `berth down` then `berth up` at once: the old task goes, a new one of the same stack comes.
    const redeploy = supervisor.applyAssignments(complete(assign('a2')));
    await clock.advance(10_000);
    await redeploy;
    expect(await cleaning).toEqual({ stack: 'test', skipped: 'the stack has tasks on this node again', removed: [], kept: [] });
    expect(docker.callsOf('cleanupStack')).toEqual([]);
    expect(docker.running('a2')).toBeDefined();
    expect(warnings).toEqual([]);
  });

  it('starts new tasks of a stack only after the cleanup of it under way', async () => {
    const { docker, supervisor } = setup();
    let finishCleanup = (): void => {};
    docker.cleanupStack = (stack, options) => {
      docker.calls.push({ op: 'cleanupStack', at: T0, stack, removeVolumes: options.removeVolumes });
      return new Promise<StackCleanupReport>((resolve) => {
        finishCleanup = () => resolve({ removed: ['network test_default'], kept: [] });
      });
    };
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: false });
    await settle();
    expect(docker.callsOf('cleanupStack')).toHaveLength(1);

    void supervisor.applyAssignments(complete(assign('a')));
    await settle();
    expect(docker.callsOf('prepare')).toEqual([]); // prepare would create the network the cleanup deletes
    finishCleanup();
    expect(await cleaning).toEqual({ stack: 'test', removed: ['network test_default'], kept: [] });
    await settle();
    expect(docker.callsOf('prepare').map((c) => c.taskId)).toEqual(['a']);
    expect(docker.running('a')).toBeDefined();
  });

  it('gives up waiting after cleanupWaitMs: cleans up what is unused, with a warning', async () => {
    const { clock, docker, supervisor, warnings } = setup({ cleanupWaitMs: 5_000 });
    await supervisor.applyAssignments(complete(assign('a')));
    await settle();
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: false });
    await clock.advance(4_999);
    expect(docker.callsOf('cleanupStack')).toEqual([]);
    await clock.advance(1);
    await cleaning;
    expect(docker.callsOf('cleanupStack')).toMatchObject([{ stack: 'test', at: T0 + 5_000 }]);
    expect(warnings).toEqual(['stack test: tasks still there after 5000 ms; cleaning up only what they do not use']);
    expect(docker.running('a')).toBeDefined(); // the cleanup never stops a task
  });

  it('reports what a driver kept and a driver that fails as warnings, and never rejects', async () => {
    const { supervisor, docker, warnings } = setup();
    const other = new FakeDriver({ name: 'process' });
    other.cleanupStack = () => Promise.reject(new Error('engine not answering'));
    docker.cleanupStack = () => Promise.resolve({ removed: ['network test_front'], kept: ['network test_default: still used by 1 container'] });
    const both = new Supervisor({ nodeId: 'node-1', dataDir, drivers: { docker, process: other } });
    both.on('warning', (w) => warnings.push(w));
    expect(await both.cleanupStack('test', { removeVolumes: true })).toEqual({
      stack: 'test',
      removed: ['network test_front'],
      kept: ['network test_default: still used by 1 container', 'cleaning up stack test with the process driver failed: engine not answering'],
    });
    expect(warnings).toEqual([
      'stack test: kept network test_default: still used by 1 container',
      'cleaning up stack test with the process driver failed: engine not answering',
    ]);
    await supervisor.close();
    await both.close();
  });

  it('a cleanup still waiting when the supervisor closes is skipped', async () => {
    const { docker, supervisor } = setup();
    await supervisor.applyAssignments(complete(assign('a')));
    await settle();
    const cleaning = supervisor.cleanupStack('test', { removeVolumes: true });
    await settle();
    await supervisor.close();
    expect(await cleaning).toMatchObject({ skipped: 'the agent is shutting down' });
    expect(docker.callsOf('cleanupStack')).toEqual([]);
  });
});
