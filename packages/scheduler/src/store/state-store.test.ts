// The StateStore contract, run against every implementation: what one store does, all do.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { MemoryStateStore } from './memory-store.js';
import { SqliteStateStore } from './sqlite-store.js';
import type { StateStore } from './state-store.js';
import type { NodeChange, StackChange, StoreCommit, TaskChangeBatch } from './store-events.js';
import { sampleNode, sampleStack, sampleStatus, sampleTask, writeSampleState } from './store.fixture.js';

/** A settable clock. */
class TestClock {
  t = 10_000;
  readonly now = (): number => this.t;
}

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

type Factory = (clock: TestClock) => StateStore;

const implementations: Array<[string, Factory]> = [
  ['MemoryStateStore', (clock) => new MemoryStateStore({ now: clock.now })],
  [
    'SqliteStateStore',
    (clock) => {
      const dataDir = mkdtempSync(join(tmpdir(), 'berth-store-contract-'));
      const store = SqliteStateStore.open({ dataDir, now: clock.now, batchWindowMs: 0 });
      cleanups.push(() => {
        store.close();
        rmSync(dataDir, { recursive: true, force: true });
      });
      return store;
    },
  ],
];

/** Everything a store emits, in order, as [event, payload]. */
function record(store: StateStore): Array<[string, unknown]> {
  const seen: Array<[string, unknown]> = [];
  store.on('stack-changed', (c: StackChange) => seen.push(['stack-changed', c]));
  store.on('node-changed', (c: NodeChange) => seen.push(['node-changed', c]));
  store.on('task-changed', (b: TaskChangeBatch) => seen.push(['task-changed', b]));
  store.on('committed', (c: StoreCommit) => seen.push(['committed', c]));
  return seen;
}

const ids = (tasks: Array<{ id: string }>): string[] => tasks.map((t) => t.id).sort();

describe.each(implementations)('%s (StateStore contract)', (_name, make) => {
  let clock: TestClock;
  let store: StateStore;
  const open = (): StateStore => {
    clock = new TestClock();
    store = make(clock);
    return store;
  };

  it('starts empty at revision 0', () => {
    open();
    expect(store.revision).toBe(0);
    expect([store.stacks(), store.tasks(), store.nodes()]).toEqual([[], [], []]);
    expect(store.taskCount).toBe(0);
    expect(store.tasksOnNode('n1')).toEqual([]);
  });

  it('stores stacks by name with the revision that wrote them, and removes them', () => {
    open();
    const shop = store.putStack(sampleStack('shop', ['web']));
    expect(shop).toMatchObject({ name: 'shop', revision: 1, services: { web: { hash: 'web-g1', generation: 1 } } });
    expect(store.stack('shop')).toBe(shop);
    const again = store.putStack(sampleStack('shop', ['web', 'db'], 2));
    expect(store.revision).toBe(2);
    expect(store.stack('shop')).toBe(again);
    expect(Object.keys(again.services)).toEqual(['web', 'db']);
    expect(store.removeStack('shop')).toBe(true);
    expect(store.removeStack('shop')).toBe(false);
    expect(store.stack('shop')).toBeUndefined();
    expect(store.revision).toBe(3);
  });

  it('indexes tasks by id, stack, service and node, and follows them when they move', () => {
    open();
    store.transaction((tx) => {
      tx.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
      tx.putTask(sampleTask('b', 'shop', 'web', 2, 'n2'));
      tx.putTask(sampleTask('c', 'shop', 'db', 1, 'n1'));
      tx.putTask(sampleTask('d', 'blog', 'web', 1));
    });
    expect(store.taskCount).toBe(4);
    expect(ids(store.tasksOfStack('shop'))).toEqual(['a', 'b', 'c']);
    expect(ids(store.tasksOfService('shop', 'web'))).toEqual(['a', 'b']);
    expect(ids(store.tasksOfService('blog', 'web'))).toEqual(['d']);
    expect(ids(store.tasksOnNode('n1'))).toEqual(['a', 'c']);

    store.updateTask('a', { nodeId: 'n2' });
    store.updateTask('d', { nodeId: 'n1', pendingReason: undefined });
    expect(ids(store.tasksOnNode('n1'))).toEqual(['c', 'd']);
    expect(ids(store.tasksOnNode('n2'))).toEqual(['a', 'b']);
    expect(store.task('d')?.pendingReason).toBeUndefined();

    store.updateTask('b', { nodeId: undefined });
    expect(ids(store.tasksOnNode('n2'))).toEqual(['a']);
    store.putTask({ ...sampleTask('c', 'blog', 'app', 1, 'n3') });
    expect(ids(store.tasksOfStack('shop'))).toEqual(['a', 'b']);
    expect(ids(store.tasksOfService('blog', 'app'))).toEqual(['c']);
    expect(store.tasksOnNode('n1').map((t) => t.id)).toEqual(['d']);

    expect(store.removeTask('a')).toBe(true);
    expect(store.removeTask('a')).toBe(false);
    expect(store.tasksOnNode('n2')).toEqual([]);
    expect(ids(store.tasks())).toEqual(['b', 'c', 'd']);
  });

  it('records status reports with the store clock and ignores reports for unknown tasks', () => {
    open();
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    clock.t = 20_000;
    const status = sampleStatus('a', 'failed', 3);
    const updated = store.setTaskStatus(status);
    expect(updated).toMatchObject({ id: 'a', status, updatedAt: 20_000, revision: 2, createdAt: 1_000, nodeId: 'n1' });
    expect(store.task('a')).toBe(updated);

    const seen = record(store);
    expect(store.setTaskStatus(sampleStatus('nope'))).toBeUndefined();
    expect(store.updateTask('nope', { desired: 'stop' })).toBeUndefined();
    expect(store.revision).toBe(2);
    expect(seen).toEqual([]);
  });

  it('keeps a node heartbeat time across re-registration unless given a new one', () => {
    open();
    clock.t = 5_000;
    expect(store.putNode(sampleNode('n1'))).toMatchObject({ id: 'n1', lastHeartbeatAt: 5_000, revision: 1 });
    clock.t = 6_000;
    expect(store.putNode({ ...sampleNode('n1'), state: 'down' }).lastHeartbeatAt).toBe(5_000);
    expect(store.heartbeat('n1')?.lastHeartbeatAt).toBe(6_000);
    expect(store.heartbeat('n1', 7_500)?.lastHeartbeatAt).toBe(7_500);
    expect(store.putNode(sampleNode('n1'), 9_000).lastHeartbeatAt).toBe(9_000);
    expect(store.updateNode('n1', { availability: 'drain', labels: { zone: 'b' } })).toMatchObject({
      id: 'n1',
      availability: 'drain',
      labels: { zone: 'b' },
      lastHeartbeatAt: 9_000,
    });
    expect(store.heartbeat('nope')).toBeUndefined();
    expect(store.updateNode('nope', { state: 'down' })).toBeUndefined();
    expect(store.removeNode('n1')).toBe(true);
    expect(store.removeNode('n1')).toBe(false);
    expect(store.nodes()).toEqual([]);
  });

  it('commits a transaction as one revision with one task batch, each task once', () => {
    open();
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    const before = store.task('a');
    const seen = record(store);
    const result = store.transaction((tx) => {
      tx.putStack(sampleStack('shop', ['web']));
      tx.putNode(sampleNode('n1'));
      tx.setTaskStatus(sampleStatus('a', 'running', 1));
      tx.setTaskStatus(sampleStatus('a', 'running', 2));
      tx.putTask(sampleTask('b', 'shop', 'web', 2));
      // Reads inside see the transaction's writes; the revision is not committed yet.
      expect(tx.task('a')?.status.restarts).toBe(2);
      expect(tx.tasksOfService('shop', 'web')).toHaveLength(2);
      expect(tx.revision).toBe(1);
      return 'done';
    });
    expect(result).toBe('done');
    expect(store.revision).toBe(2);
    expect(seen.map(([event]) => event)).toEqual(['stack-changed', 'node-changed', 'task-changed', 'committed']);
    expect(seen[0]![1]).toMatchObject({ revision: 2, name: 'shop', previous: undefined, stack: { revision: 2 } });
    expect(seen[1]![1]).toMatchObject({ revision: 2, id: 'n1', previous: undefined, node: { revision: 2 } });
    const batch = seen[2]![1] as TaskChangeBatch;
    expect(batch.revision).toBe(2);
    expect(batch.changes.map((c) => [c.id, c.previous?.status.restarts, c.task?.status.restarts])).toEqual([
      ['a', before?.status.restarts, 2],
      ['b', undefined, 0],
    ]);
    expect(batch.changes[0]!.previous).toBe(before);
    expect(seen[3]![1]).toEqual({ revision: 2 });
  });

  it('undoes every write of a transaction that throws, indexes included, and emits nothing', () => {
    open();
    writeSampleState(store, 30);
    const snapshot = {
      revision: store.revision,
      stacks: store.stacks(),
      tasks: store.tasks(),
      nodes: store.nodes(),
      onN1: ids(store.tasksOnNode('n1')),
      web: ids(store.tasksOfService('shop', 'web')),
    };
    const seen = record(store);
    const failure = new Error('boom');
    expect(() =>
      store.transaction((tx) => {
        tx.removeStack('shop');
        tx.putStack(sampleStack('new', ['x']));
        tx.removeNode('n1');
        tx.putNode(sampleNode('n9'));
        for (const task of tx.tasksOnNode('n1')) tx.updateTask(task.id, { nodeId: 'n9' });
        tx.removeTask('t1');
        tx.putTask(sampleTask('extra', 'shop', 'web', 99, 'n1'));
        tx.setTaskStatus(sampleStatus('t2', 'failed', 9));
        throw failure;
      }),
    ).toThrow(failure);
    expect(seen).toEqual([]);
    expect(store.revision).toBe(snapshot.revision);
    expect(store.stacks().sort((a, b) => a.name.localeCompare(b.name))).toEqual(snapshot.stacks.sort((a, b) => a.name.localeCompare(b.name)));
    expect(ids(store.tasks())).toEqual(ids(snapshot.tasks));
    expect(store.tasks().map((t) => store.task(t.id))).toEqual(store.tasks());
    for (const task of snapshot.tasks) expect(store.task(task.id)).toBe(task);
    expect(ids(store.nodes())).toEqual(ids(snapshot.nodes));
    expect(ids(store.tasksOnNode('n1'))).toEqual(snapshot.onN1);
    expect(store.tasksOnNode('n9')).toEqual([]);
    expect(ids(store.tasksOfService('shop', 'web'))).toEqual(snapshot.web);
  });

  it('refuses an async transaction function and keeps none of its writes', async () => {
    open();
    let error: unknown;
    try {
      void store.transaction(async (tx) => {
        tx.putTask(sampleTask('a', 'shop', 'web', 1));
        await Promise.resolve();
      });
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'INTERNAL')).toBe(true);
    expect(store.task('a')).toBeUndefined();
    expect(store.revision).toBe(0);
    await Promise.resolve();
  });

  it('joins a nested transaction into the outer one', () => {
    open();
    const seen = record(store);
    store.transaction((tx) => {
      tx.putTask(sampleTask('a', 'shop', 'web', 1));
      store.transaction((inner) => inner.putTask(sampleTask('b', 'shop', 'web', 2)));
      store.putNode(sampleNode('n1'));
    });
    expect(store.revision).toBe(1);
    expect(seen.filter(([e]) => e === 'committed')).toHaveLength(1);
    expect((seen.find(([e]) => e === 'task-changed')![1] as TaskChangeBatch).changes.map((c) => c.id)).toEqual(['a', 'b']);
  });

  it('does not count a transaction that changes nothing', () => {
    open();
    const seen = record(store);
    store.transaction((tx) => {
      tx.putTask(sampleTask('a', 'shop', 'web', 1));
      tx.removeTask('a');
      tx.removeNode('nope');
    });
    store.transaction(() => undefined);
    expect(store.revision).toBe(0);
    expect(seen).toEqual([]);
  });

  it('delivers events in revision order even when a listener writes', () => {
    open();
    const order: Array<[string, number]> = [];
    store.on('committed', ({ revision }) => {
      order.push(['first', revision]);
      if (revision === 1) store.putNode(sampleNode('n2'));
    });
    store.on('committed', ({ revision }) => order.push(['second', revision]));
    store.putNode(sampleNode('n1'));
    expect(order).toEqual([
      ['first', 1],
      ['second', 1],
      ['first', 2],
      ['second', 2],
    ]);
    expect(store.revision).toBe(2);
  });

  it('still delivers every event when a listener throws, then rethrows to the writer', () => {
    open();
    const failure = new Error('listener bug');
    const seen = record(store);
    store.on('stack-changed', () => {
      throw failure;
    });
    expect(() =>
      store.transaction((tx) => {
        tx.putStack(sampleStack('shop', ['web']));
        tx.putTask(sampleTask('a', 'shop', 'web', 1));
      }),
    ).toThrow(failure);
    expect(seen.map(([event]) => event)).toEqual(['stack-changed', 'task-changed', 'committed']);
    expect(store.revision).toBe(1);
    expect(store.task('a')).toBeDefined();
  });

  it('freezes records so a reader cannot change stored state behind the store', () => {
    open();
    const task = store.putTask(sampleTask('a', 'shop', 'web', 1));
    expect(Object.isFrozen(task)).toBe(true);
    expect(() => {
      (task as { desired: string }).desired = 'stop';
    }).toThrow(TypeError);
    expect(Object.isFrozen(store.putNode(sampleNode('n1')))).toBe(true);
    expect(Object.isFrozen(store.putStack(sampleStack('s', ['x'])))).toBe(true);
  });

  it('refuses writes after close, keeps answering reads, and closes only once', () => {
    open();
    store.putTask(sampleTask('a', 'shop', 'web', 1));
    store.close();
    store.close();
    expect(store.task('a')).toBeDefined();
    let error: unknown;
    try {
      store.putTask(sampleTask('b', 'shop', 'web', 2));
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'UNAVAILABLE')).toBe(true);
    expect(store.task('b')).toBeUndefined();
  });

  it('ends the sample workload with the expected state', () => {
    open();
    writeSampleState(store, 300);
    expect(ids(store.stacks().map((s) => ({ id: s.name })))).toEqual(['blog', 'shop']);
    expect(Object.keys(store.stack('blog')!.services)).toEqual(['app', 'worker']);
    expect(ids(store.nodes())).toEqual(['n1', 'n2']);
    expect(store.node('n2')?.lastHeartbeatAt).toBe(2_000);
    expect(store.taskCount).toBe(300 - 6);
    expect(store.task('t0')).toMatchObject({ nodeId: 'n3', status: { state: 'running', restarts: 0 } });
    expect(store.task('t3')).toMatchObject({ desired: 'stop', status: { state: 'running' } });
    expect(store.task('t3')?.nodeId).toBeUndefined();
    expect(store.task('t2')?.status.restarts).toBe(1);
  });
});
