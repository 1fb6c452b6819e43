import { describe, expect, it } from 'vitest';
import { fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import type { RecoveredWorkload } from '../runtime/runtime.js';
import type { PersistedTask } from './persisted-tasks.js';
import { planRecovery } from './recovery-plan.js';

const persisted = (id: string, over: Partial<PersistedTask> = {}): PersistedTask => ({
  task: fakeTaskDescriptor(id),
  desiredState: 'run',
  restarts: 2,
  ...over,
});

function workload(taskId: string, id: string, state: 'running' | 'exited', startedAt = 100, restarts = 0): RecoveredWorkload {
  const handle = { driver: 'docker' as const, id, ref: fakeTaskDescriptor(taskId).ref, startedAt };
  return state === 'running'
    ? { handle, state, restarts }
    : { handle, state, restarts, exit: { exitCode: 1, oomKilled: false, finishedAt: startedAt + 5 } };
}

describe('planRecovery', () => {
  it('adopts persisted tasks with their workload, taking the higher restart count', () => {
    const plan = planRecovery([persisted('a'), persisted('b')], [workload('a', 'c1', 'running', 100, 0), workload('b', 'c2', 'exited', 100, 5)]);
    expect(plan.adopt.map((a) => [a.recovered.handle.id, a.recovered.restarts, a.desiredState])).toEqual([
      ['c1', 2, 'run'],
      ['c2', 5, 'run'],
    ]);
    expect(plan.adopt.every((a) => a.final === undefined)).toBe(true);
    expect(plan.orphans).toEqual([]);
  });

  it('reports workloads of unknown tasks as orphans and stops nothing', () => {
    const stray = workload('zz', 'c9', 'running');
    const plan = planRecovery([persisted('a')], [stray]);
    expect(plan.orphans).toEqual([stray]);
    expect(plan.start.map((p) => p.task.ref.taskId)).toEqual(['a']);
  });

  it('of several workloads of one task, adopts the running (else newest) one; the rest are orphans', () => {
    const old = workload('a', 'old', 'exited', 500);
    const live = workload('a', 'live', 'running', 100);
    const plan = planRecovery([persisted('a')], [old, live]);
    expect(plan.adopt.map((a) => a.recovered.handle.id)).toEqual(['live']);
    expect(plan.orphans).toEqual([old]);
  });

  it('a finished task is reported as it was: adopted with its final status, or restored without a workload', () => {
    const final = { state: 'failed' as const, message: 'exited with code 1; gave up after 3 restarts (on-failure:3)', exitCode: 1 };
    const plan = planRecovery([persisted('a', { final }), persisted('b', { final })], [workload('a', 'c1', 'exited')]);
    expect(plan.adopt).toMatchObject([{ final }]);
    expect(plan.restore).toMatchObject([{ final, persisted: { task: { ref: { taskId: 'b' } } } }]);
    expect(plan.start).toEqual([]);
  });

  it('a task meant to be stopped: exited → stopped, gone → stopped, running → adopted as running, not stopped', () => {
    const plan = planRecovery(
      [persisted('a', { desiredState: 'stop' }), persisted('b', { desiredState: 'stop' }), persisted('c', { desiredState: 'stop' })],
      [workload('a', 'c1', 'exited'), workload('c', 'c3', 'running')],
    );
    expect(plan.adopt.find((a) => a.persisted.task.ref.taskId === 'a')).toMatchObject({ final: { state: 'stopped', exitCode: 1 }, desiredState: 'stop' });
    expect(plan.restore).toMatchObject([{ final: { state: 'stopped' }, persisted: { task: { ref: { taskId: 'b' } } } }]);
    const running = plan.adopt.find((a) => a.persisted.task.ref.taskId === 'c');
    expect(running).toMatchObject({ desiredState: 'run' });
    expect(running?.final).toBeUndefined();
  });
});
