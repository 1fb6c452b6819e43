import { afterEach, describe, expect, it } from 'vitest';
import type { HealthState, HealthcheckSpec, NodeInfo, ServiceSpec, TaskState } from '@berth/api';
import type { DesiredStack } from '../reconcile/model.js';
import { deployed, node, svc } from '../reconcile/world.fixture.js';
import { MemoryStateStore } from '../store/memory-store.js';
import type { StoreTransaction } from '../store/state-store.js';
import type { TaskRecord } from '../store/store-records.js';
import { ReconcileLoop, type ReconcileLoopOptions } from './reconcile-loop.js';
import { STOP_CONFIRM_MARGIN_MS, type RoundSummary } from './store-round.js';

const check: HealthcheckSpec = {
  disabled: false,
  test: ['CMD', 'true'],
  intervalMs: 1000,
  timeoutMs: 1000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 1000,
};

const loops: ReconcileLoop[] = [];
afterEach(() => {
  for (const loop of loops.splice(0)) loop.stop();
});

/**
 * A store with `nodes` registered and a started loop on it (periodic round out of the way); the
 * store and the loop share the clock `options.now` (default: always 5,000).
 */
function world(nodes: NodeInfo[], options: ReconcileLoopOptions = {}): { store: MemoryStateStore; loop: ReconcileLoop; logs: string[] } {
  const store = new MemoryStateStore({ now: options.now ?? (() => 5_000) });
  for (const n of nodes) store.putNode(n);
  const logs: string[] = [];
  let n = 0;
  const loop = new ReconcileLoop(store, {
    now: () => 5_000,
    newId: () => `t${String(++n).padStart(3, '0')}`,
    debounceMs: 1,
    periodMs: 60_000,
    log: (line) => logs.push(line),
    ...options,
  });
  loops.push(loop);
  loop.start();
  return { store, loop, logs };
}

const live = (store: MemoryStateStore, service?: string): TaskRecord[] =>
  store
    .tasks()
    .filter((t) => t.desired === 'run' && (service === undefined || t.service === service))
    .sort((a, b) => a.slot - b.slot);

/** Plays an agent: every assigned task (of `service`) reports `state`/`health`. */
function report(store: MemoryStateStore, state: TaskState, health: HealthState = 'none', service?: string): void {
  store.transaction((tx) => {
    for (const t of tx.tasks()) {
      if (t.nodeId === undefined || t.desired !== 'run' || (service !== undefined && t.service !== service)) continue;
      tx.setTaskStatus({ ...t.status, state, health });
    }
  });
}

const web = (replicas: number, over: Partial<ServiceSpec> = {}): ServiceSpec => svc('web', { ...over, deploy: { replicas } });

describe('ReconcileLoop', () => {
  it('places a deployed stack on the ready nodes in one round', async () => {
    const { store, loop, logs } = world([node('n1'), node('n2'), node('n3', { state: 'down' })]);
    await loop.idle();
    const before = loop.rounds;
    store.putStack(deployed('app', [web(4)]));
    await loop.idle();

    const tasks = live(store);
    expect(tasks.map((t) => [t.id, t.slot, t.status.state])).toEqual([
      ['t001', 1, 'assigned'],
      ['t002', 2, 'assigned'],
      ['t003', 3, 'assigned'],
      ['t004', 4, 'assigned'],
    ]);
    expect(new Set(tasks.map((t) => t.nodeId))).toEqual(new Set(['n1', 'n2']));
    expect(tasks.every((t) => t.createdAt === 5_000 && t.status.stateTimes.assigned === 5_000)).toBe(true);
    // One round did it, and its own writes did not ask for another.
    expect(loop.rounds).toBe(before + 1);
    expect(logs.at(-1)).toBe('reconcile: 4 created, 4 assigned, 0 stopped');
  });

  it('coalesces a burst of changes into one round and ignores heartbeats', async () => {
    const { store, loop } = world([node('n1')]);
    await loop.idle();
    const before = loop.rounds;
    for (let i = 0; i < 20; i++) store.putStack(deployed(`s${i}`, [web(1)]));
    await loop.idle();
    expect(loop.rounds).toBe(before + 1);
    expect(live(store)).toHaveLength(20);

    store.heartbeat('n1', 6_000);
    report(store, 'running');
    await loop.idle();
    // The status reports asked for one round (nothing to do); the heartbeat for none.
    expect(loop.rounds).toBe(before + 2);
    store.heartbeat('n1', 7_000);
    await loop.idle();
    expect(loop.rounds).toBe(before + 2);
  });

  it('scaling down stops the highest slots', async () => {
    const { store, loop } = world([node('n1'), node('n2')]);
    const first = deployed('app', [web(4)]);
    store.putStack(first);
    await loop.idle();
    report(store, 'running');
    store.putStack(deployed('app', [web(2)], first));
    await loop.idle();

    expect(live(store).map((t) => t.slot)).toEqual([1, 2]);
    const stopped = store.tasks().filter((t) => t.desired === 'stop');
    expect(stopped.map((t) => t.slot).sort()).toEqual([3, 4]);
    // Stopped tasks keep their node: the dispatcher still has to stop them there.
    expect(stopped.every((t) => t.nodeId !== undefined)).toBe(true);
  });

  it('replaces the tasks of a node that went down on the other nodes once they are lost', async () => {
    const { store, loop } = world([node('n1'), node('n2')]);
    store.putStack(deployed('app', [web(4)]));
    await loop.idle();
    report(store, 'running');
    await loop.idle();
    const onN1 = live(store).filter((t) => t.nodeId === 'n1');
    expect(onN1.length).toBeGreaterThan(0);

    store.updateNode('n1', { state: 'down' });
    await loop.idle();
    // Held until their lease runs out: the dispatcher then records them lost.
    for (const old of onN1) expect(store.task(old.id)?.desired).toBe('run');
    store.transaction((tx) => {
      for (const old of onN1) tx.setTaskStatus({ ...tx.task(old.id)!.status, state: 'lost' });
    });
    await loop.idle();

    for (const old of onN1) expect(store.task(old.id)?.desired).toBe('stop');
    const tasks = live(store);
    expect(tasks.map((t) => t.slot)).toEqual([1, 2, 3, 4]);
    expect(tasks.every((t) => t.nodeId === 'n2')).toBe(true);
  });

  it('gives a task no node can take its pending reason', async () => {
    const { store, loop } = world([node('n1'), node('n2', { state: 'down' })]);
    const picky = web(1, {});
    picky.deploy.placement.constraints = [{ field: 'node.labels.zone', op: '==', value: 'eu' }];
    store.putStack(deployed('app', [picky]));
    await loop.idle();

    const [t] = live(store);
    expect(t?.nodeId).toBeUndefined();
    expect(t?.status.state).toBe('pending');
    expect(t?.pendingReason).toMatch(/^no suitable node \(/);
    expect(t?.pendingReason).toContain('1 node down');
    expect(t?.pendingReason).toContain('zone');

    // A node that fits arrives: the task is placed and loses its reason.
    store.putNode(node('n3', { labels: { zone: 'eu' } }));
    await loop.idle();
    expect(store.task(t!.id)?.nodeId).toBe('n3');
    expect(store.task(t!.id)?.pendingReason).toBeUndefined();
  });

  it('holds a dependent service until its dependency reports running and healthy', async () => {
    const { store, loop } = world([node('n1')]);
    const db = svc('db', { healthcheck: check });
    const app = svc('app', { dependsOn: { db: { condition: 'service_healthy', restart: false, required: true } } });
    store.putStack(deployed('shop', [db, app]));
    await loop.idle();

    expect(live(store, 'db')[0]?.status.state).toBe('assigned');
    const waiting = live(store, 'app')[0];
    expect(waiting?.nodeId).toBeUndefined();
    expect(waiting?.pendingReason).toBe('waiting for db (service_healthy)');

    report(store, 'running', 'starting', 'db');
    await loop.idle();
    expect(store.task(waiting!.id)?.nodeId).toBeUndefined();

    report(store, 'running', 'healthy', 'db');
    await loop.idle();
    expect(store.task(waiting!.id)?.nodeId).toBe('n1');
    expect(store.task(waiting!.id)?.status.state).toBe('assigned');
  });

  it('forgets stopped tasks once their agent confirms, or at once when they never reached a node', async () => {
    const { store, loop } = world([node('n1')]);
    const app = svc('app', { dependsOn: { db: { condition: 'service_healthy', restart: false, required: true } } });
    store.putStack(deployed('shop', [svc('db', { healthcheck: check }), app]));
    await loop.idle();
    const pendingId = live(store, 'app')[0]!.id;
    const dbId = live(store, 'db')[0]!.id;

    store.removeStack('shop');
    await loop.idle();
    expect(store.task(pendingId)).toBeUndefined();
    // The placed one waits for its agent to confirm the stop.
    expect(store.task(dbId)?.desired).toBe('stop');

    store.setTaskStatus({ ...store.task(dbId)!.status, state: 'stopped' });
    await loop.idle();
    expect(store.task(dbId)).toBeUndefined();
    expect(store.taskCount).toBe(0);
  });

  it('forgets a stopped task its agent stays silent about once its stop grace period has passed', async () => {
    let now = 5_000;
    const { store, loop } = world([node('n1'), node('n2')], { now: () => now });
    const first = deployed('app', [web(2, { stopGracePeriodMs: 3_000 })]);
    store.putStack(first);
    await loop.idle();
    report(store, 'running');
    store.putStack(deployed('app', [web(1, { stopGracePeriodMs: 3_000 })], first));
    await loop.idle();
    const [stopped] = store.tasks().filter((t) => t.desired === 'stop');
    expect(stopped?.slot).toBe(2);

    // Agents forget removed tasks without a word: silence within the grace keeps the record.
    now += 3_000 + STOP_CONFIRM_MARGIN_MS;
    loop.runNow();
    expect(store.task(stopped!.id)).toBeDefined();
    // A node that is down cannot have stopped it: kept however long it takes.
    store.updateNode(stopped!.nodeId!, { state: 'down' });
    now += 60_000;
    await loop.idle();
    expect(store.task(stopped!.id)?.desired).toBe('stop');
    store.updateNode(stopped!.nodeId!, { state: 'ready' });
    await loop.idle();
    expect(store.task(stopped!.id)).toBeUndefined();
  });

  it('logs a failed round and retries it until it succeeds', async () => {
    class FlakyStore extends MemoryStateStore {
      failuresLeft = 0;
      override transaction<T>(fn: (tx: StoreTransaction) => T): T {
        if (this.failuresLeft > 0) {
          this.failuresLeft -= 1;
          throw new Error('disk on fire');
        }
        return super.transaction(fn);
      }
    }
    const store = new FlakyStore();
    store.putNode(node('n1'));
    const logs: string[] = [];
    const failed: unknown[] = [];
    const loop = new ReconcileLoop(store, { debounceMs: 1, periodMs: 60_000, retryInitialMs: 5, log: (l) => logs.push(l) });
    loops.push(loop);
    loop.on('failed', (e) => failed.push(e));
    store.putStack(deployed('app', [web(1)]));
    store.failuresLeft = 2;
    expect(() => loop.start()).not.toThrow();

    // Idle only once no retry is due: after the third round, which works.
    await loop.idle();
    expect(loop.rounds).toBe(3);
    expect(failed).toHaveLength(2);
    expect(logs[0]).toBe('reconcile: round failed (disk on fire); retrying in 5 ms');
    expect(logs[1]).toBe('reconcile: round failed (disk on fire); retrying in 10 ms');
    expect(live(store)[0]?.nodeId).toBe('n1');
  });

  it('runs a round synchronously on demand and never overlaps rounds', () => {
    const { store, loop } = world([node('n1')]);
    let nested: ReturnType<ReconcileLoop['runNow']> | 'not run' = 'not run';
    // A store listener runs inside the round's transaction.
    store.once('task-changed', () => {
      nested = loop.runNow();
    });
    store.putStack(deployed('app', [web(2)]) satisfies DesiredStack);
    const summary = loop.runNow();
    expect(summary).toMatchObject({ created: 2, assigned: 2, written: 2 });
    // The nested call found a round running and asked for one more instead.
    expect(nested).toBeUndefined();
  });
});

describe('ReconcileLoop: rounds capped at maxTasksPerRound', () => {
  it('places a large deploy over several rounds, handing the event loop a turn between them', async () => {
    const { store, loop, logs } = world([node('n1'), node('n2'), node('n3')], { maxTasksPerRound: 10 });
    await loop.idle();
    const summaries: RoundSummary[] = [];
    loop.on('round', (s) => summaries.push(s));
    // Another callback that keeps asking for turns of the event loop, as gRPC I/O would: it
    // notes how many tasks were placed each time it gets one.
    const seen: number[] = [];
    let ticking = true;
    const tick = (): void => {
      seen.push(store.tasks().filter((t) => t.nodeId !== undefined).length);
      if (ticking) setImmediate(tick);
    };
    setImmediate(tick);
    store.putStack(deployed('app', [web(25)]));
    await loop.idle();
    ticking = false;

    expect(summaries.map((s) => [s.created, s.assigned, s.deferred])).toEqual([
      [10, 10, 15],
      [10, 10, 5],
      [5, 5, 0],
    ]);
    expect(live(store).map((t) => t.slot)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(live(store).every((t) => t.status.state === 'assigned')).toBe(true);
    // The other callback ran between the rounds, and saw each round's placements.
    expect(seen).toContain(10);
    expect(seen).toContain(20);
    expect(logs).toContain('reconcile: 10 created, 10 assigned, 0 stopped, 15 left for the next round');
  });

  it('tells the tasks waiting for a later round why they are pending', async () => {
    const { store, loop } = world([], { maxTasksPerRound: 10 });
    store.putStack(deployed('app', [web(15)]));
    await loop.idle();
    expect(live(store).every((t) => t.pendingReason === 'no suitable node (no nodes)')).toBe(true);

    const reasons: Array<Array<string | undefined>> = [];
    loop.on('round', () => reasons.push(live(store).map((t) => t.nodeId ?? t.pendingReason)));
    store.putNode(node('n1'));
    await loop.idle();
    expect(reasons[0]).toEqual([
      ...Array<string>(10).fill('n1'),
      ...Array<string>(5).fill('queued for placement (at most 10 tasks are placed per round)'),
    ]);
    expect(live(store).every((t) => t.nodeId === 'n1' && t.pendingReason === undefined)).toBe(true);
  });

  it('does not spin on tasks no node can take, nor let them hold up the others', async () => {
    const { store, loop } = world([node('n1')], { maxTasksPerRound: 10 });
    await loop.idle();
    const summaries: RoundSummary[] = [];
    loop.on('round', (s) => summaries.push(s));
    const stuck = svc('stuck', { deploy: { replicas: 30, placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'mars' }] } } });
    store.putStack(deployed('app', [stuck, web(3)]));
    await loop.idle();

    // Creating 33 tasks takes 4 rounds; the unplaceable ones never count against placing.
    expect(summaries.map((s) => [s.created, s.assigned, s.unplaced, s.deferred])).toEqual([
      [10, 0, 10, 23],
      [10, 0, 20, 13],
      [10, 0, 30, 3],
      [3, 3, 30, 0],
    ]);
    expect(live(store, 'web').every((t) => t.nodeId === 'n1')).toBe(true);
    expect(live(store, 'stuck').every((t) => t.pendingReason === 'no suitable node (1 node lacks label zone=mars)')).toBe(true);
    // Nothing left to do: no further round until something changes.
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(summaries).toHaveLength(4);
  });
});
