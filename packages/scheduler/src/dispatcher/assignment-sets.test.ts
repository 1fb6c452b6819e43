import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStack, sampleTask } from '../store/store.fixture.js';
import { assignmentFor, completeAssignmentSet, incrementalAssignmentSet } from './assignment-sets.js';
import { stackWithResources } from './dispatcher.fixture.js';

/** A store with stack `shop` (web, db; with resources) and tasks spread over n1 and n2. */
function shop(): MemoryStateStore {
  const store = new MemoryStateStore({ now: () => 5_000 });
  store.transaction((tx) => {
    tx.putStack(stackWithResources('shop', ['web', 'db']));
    tx.putNode(sampleNode('n1'));
    tx.putNode(sampleNode('n2'));
    tx.putTask(sampleTask('t-web-1', 'shop', 'web', 1, 'n1'));
    tx.putTask(sampleTask('t-web-2', 'shop', 'web', 2, 'n2'));
    tx.putTask(sampleTask('t-db-1', 'shop', 'db', 1, 'n1'));
    tx.putTask({ ...sampleTask('t-web-old', 'shop', 'web', 3, 'n1'), desired: 'stop' });
    tx.putTask(sampleTask('t-pending', 'shop', 'web', 4));
  });
  return store;
}

describe('completeAssignmentSet', () => {
  it('lists exactly the node’s tasks desired run, sorted by id, with full specs', () => {
    const store = shop();
    const { set, unbuildable } = completeAssignmentSet(store, 'n1', 7);
    expect(set.kind).toBe('complete');
    expect(set.revision).toBe(7);
    expect(set.removedTaskIds).toEqual([]);
    expect(unbuildable).toEqual([]);
    expect(set.assignments.map((a) => a.taskId)).toEqual(['t-db-1', 't-web-1']);
    const web = set.assignments[1]!;
    const stackSpec = store.stack('shop')!.spec;
    expect(web).toMatchObject({ stack: 'shop', service: 'web', slot: 1, desired: 'run' });
    expect(web.spec).toEqual(stackSpec.services.web);
  });

  it('carries only the stack resources the service uses', () => {
    const { set } = completeAssignmentSet(shop(), 'n1', 1);
    const stackSpec = shop().stack('shop')!.spec;
    const a = set.assignments[0]!;
    expect(a.networks).toEqual({ default: stackSpec.networks.default, front: stackSpec.networks.front });
    expect(a.volumes).toEqual({ data: stackSpec.volumes.data });
    expect(a.secrets).toEqual({ token: stackSpec.secrets.token });
    expect(a.configs).toEqual({ site: stackSpec.configs.site });
  });

  it('is empty for a node without tasks', () => {
    const { set } = completeAssignmentSet(shop(), 'n9', 1);
    expect(set.assignments).toEqual([]);
  });

  it('leaves out and reports tasks whose stack or service is gone', () => {
    const store = shop();
    store.putTask(sampleTask('t-ghost', 'nostack', 'web', 1, 'n1'));
    store.putTask(sampleTask('t-noservice', 'shop', 'cache', 1, 'n1'));
    const { set, unbuildable } = completeAssignmentSet(store, 'n1', 1);
    expect(set.assignments.map((a) => a.taskId)).toEqual(['t-db-1', 't-web-1']);
    expect(unbuildable).toEqual(['t-ghost', 't-noservice']);
  });
});

describe('assignmentFor', () => {
  it('does not take a service name from Object.prototype', () => {
    const store = new MemoryStateStore();
    store.putStack(sampleStack('s', ['web']));
    const task = store.putTask(sampleTask('t1', 's', 'constructor', 1, 'n1'));
    expect(assignmentFor(store, task)).toBeUndefined();
  });
});

describe('incrementalAssignmentSet', () => {
  it('turns tasks still on the node into upserts and everything else into removals', () => {
    const store = shop();
    store.updateTask('t-db-1', { nodeId: 'n2' }); // moved away
    store.removeTask('t-web-2');
    const { set, unbuildable } = incrementalAssignmentSet(
      store,
      'n1',
      ['t-web-1', 't-db-1', 't-web-old', 't-web-2', 't-pending'],
      4,
    );
    expect(set).toMatchObject({ kind: 'incremental', revision: 4 });
    expect(set.assignments.map((a) => a.taskId)).toEqual(['t-web-1']);
    expect(set.assignments[0]!.spec).toEqual(store.stack('shop')!.spec.services.web);
    expect(set.removedTaskIds).toEqual(['t-db-1', 't-pending', 't-web-2', 't-web-old']);
    expect(unbuildable).toEqual([]);
  });

  it('removes (and reports) a task on the node whose stack is gone', () => {
    const store = shop();
    store.removeStack('shop');
    const { set, unbuildable } = incrementalAssignmentSet(store, 'n1', ['t-web-1'], 2);
    expect(set.assignments).toEqual([]);
    expect(set.removedTaskIds).toEqual(['t-web-1']);
    expect(unbuildable).toEqual(['t-web-1']);
  });
});
