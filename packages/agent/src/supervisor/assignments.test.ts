import { describe, expect, it } from 'vitest';
import { fakeServiceSpec, fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import { canonicalJson } from '@berth/api';
import { planAssignments, sameDescriptor, type TaskAssignment } from './assignments.js';

const run = (id: string, image = 'example/app:1'): TaskAssignment => ({
  task: fakeTaskDescriptor(id, fakeServiceSpec({ image })),
  desiredState: 'run',
});
const stop = (id: string): TaskAssignment => ({ ...run(id), desiredState: 'stop' });
const current = (...list: TaskAssignment[]) => new Map(list.map((a) => [a.task.ref.taskId, a]));

describe('planAssignments', () => {
  it('complete: adds what is new, removes what is missing, leaves what is unchanged', () => {
    const actions = planAssignments(current(run('a'), run('b')), {
      kind: 'complete',
      assignments: [run('b'), run('c')],
      removedTaskIds: [],
    });
    expect(actions).toEqual([
      { kind: 'remove', taskId: 'a' },
      { kind: 'add', assignment: run('c') },
    ]);
  });

  it('complete with nothing: removes everything', () => {
    const actions = planAssignments(current(run('a'), run('b')), { kind: 'complete', assignments: [], removedTaskIds: [] });
    expect(actions.map((a) => a.kind)).toEqual(['remove', 'remove']);
  });

  it('incremental: keeps unlisted tasks, adds listed ones, removes removedTaskIds', () => {
    const actions = planAssignments(current(run('a'), run('b')), {
      kind: 'incremental',
      assignments: [run('c')],
      removedTaskIds: ['b', 'unknown'],
    });
    expect(actions).toEqual([
      { kind: 'remove', taskId: 'b' },
      { kind: 'add', assignment: run('c') },
    ]);
  });

  it('a changed spec replaces the task; a changed desired state only sets it', () => {
    const actions = planAssignments(current(run('a'), run('b')), {
      kind: 'incremental',
      assignments: [run('a', 'example/app:2'), stop('b')],
      removedTaskIds: [],
    });
    expect(actions).toEqual([
      { kind: 'replace', assignment: run('a', 'example/app:2') },
      { kind: 'set-desired', taskId: 'b', desiredState: 'stop' },
    ]);
  });

  it('a task both listed and removed is kept; a task listed twice counts once, last wins', () => {
    const actions = planAssignments(current(run('a')), {
      kind: 'incremental',
      assignments: [run('a'), run('n'), stop('n')],
      removedTaskIds: ['a'],
    });
    expect(actions).toEqual([{ kind: 'add', assignment: stop('n') }]);
  });
});

describe('sameDescriptor', () => {
  it('ignores key order and is sensitive to any value', () => {
    const a = fakeTaskDescriptor('t', fakeServiceSpec({ environment: { A: '1', B: '2' } }));
    const reordered = JSON.parse(JSON.stringify({ ...a, spec: { ...a.spec, environment: { B: '2', A: '1' } } }));
    expect(sameDescriptor(a, reordered)).toBe(true);
    expect(sameDescriptor(a, fakeTaskDescriptor('t', fakeServiceSpec({ environment: { A: '1', B: '3' } })))).toBe(false);
    expect(sameDescriptor(a, { ...a, nodeAddress: '10.0.0.2' })).toBe(false);
  });

  it('treats a scaled service as the same workload, so scaling restarts nothing', () => {
    const a = fakeTaskDescriptor('t', fakeServiceSpec());
    const scaled = { ...a, spec: { ...a.spec, deploy: { ...a.spec.deploy, replicas: a.spec.deploy.replicas + 3 } } };
    expect(sameDescriptor(a, scaled)).toBe(true);
  });

  it('canonicalJson sorts nested keys but keeps array order', () => {
    expect(canonicalJson({ b: 1, a: { d: [2, 1], c: null } })).toBe('{"a":{"c":null,"d":[2,1]},"b":1}');
  });
});
