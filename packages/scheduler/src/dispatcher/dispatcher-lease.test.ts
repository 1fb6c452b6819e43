// Leases on the scheduler's side: the dispatcher's liveness check on an injected clock (its
// interval timer is driven by vitest's fake setInterval, everything else is real: a grpc-js
// server on loopback and raw agent streams), with reconcile rounds run on the same store to see
// what is replaced when.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { TaskState } from '@berth/api';
import { runStoreRound } from '../controller/store-round.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStack, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { Dispatcher } from './dispatcher.js';
import type { TasksLost } from './dispatcher-events.js';
import { eventually, hostDispatcher, RawAgentStream, sampleRegistration } from './dispatcher.fixture.js';

const T0 = 1_000_000;
const PERIOD = 1_000; // checks every 500 ms; grace 3 s; fence margin 1 s (the defaults)

interface World {
  store: MemoryStateStore;
  dispatcher: Dispatcher;
  address: string;
  /** The dispatcher's clock (epoch ms). */
  clock: { now: number };
  down: string[][];
  lost: TasksLost[];
  /** Ids handed to reconcile so far. */
  ids: number;
}

const cleanups: Array<() => Promise<void> | void> = [];
beforeEach(() => {
  vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
});
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  vi.useRealTimers();
});

/**
 * Stack `shop`: `web` (fenced by its agent) and `cache` (keep_running_when_disconnected), one
 * task of each on n1, and n2 ready to take replacements. No published ports, so both fit on n2.
 */
async function world(prepare?: (store: MemoryStateStore) => void): Promise<World> {
  const store = new MemoryStateStore();
  const stack = sampleStack('shop', ['web', 'cache']);
  for (const [name, spec] of Object.entries(stack.spec.services)) {
    const changed = { ...spec, ports: [], berth: { ...spec.berth, keepRunningWhenDisconnected: name === 'cache' } };
    stack.spec.services[name] = changed;
    stack.services[name]!.spec = changed;
  }
  store.transaction((tx) => {
    tx.putStack(stack);
    tx.putNode(sampleNode('n1'), T0);
    tx.putNode(sampleNode('n2'), T0);
    tx.putTask(sampleTask('t-web-1', 'shop', 'web', 1, 'n1'));
    tx.putTask(sampleTask('t-cache-1', 'shop', 'cache', 1, 'n1'));
  });
  prepare?.(store);
  const clock = { now: T0 };
  const dispatcher = new Dispatcher(store, { heartbeatPeriodMs: PERIOD, batchMs: 1, now: () => clock.now });
  const hosted = await hostDispatcher(dispatcher);
  cleanups.push(() => hosted.close(), () => store.close());
  const down: string[][] = [];
  const lost: TasksLost[] = [];
  dispatcher.on('nodesDown', (ids) => down.push(ids));
  dispatcher.on('tasksLost', (e) => lost.push(e));
  return { store, dispatcher, address: hosted.address, clock, down, lost, ids: 0 };
}

/** Moves the clock to `T0 + at` in steps of one liveness check, running each check; n2 keeps heartbeating. */
function advanceTo(w: World, at: number): void {
  const step = PERIOD / 2;
  while (w.clock.now < T0 + at) {
    w.clock.now = Math.min(w.clock.now + step, T0 + at);
    w.store.heartbeat('n2', w.clock.now);
    vi.advanceTimersByTime(step);
  }
}

/** One reconcile round on the store, as the reconcile loop runs it; new tasks are `new-1`, `new-2`, … */
function reconcileRound(w: World): void {
  w.store.transaction((tx) => runStoreRound(tx, { now: w.clock.now, newId: () => `new-${++w.ids}` }));
}

const liveOn = (w: World, nodeId: string): string[] =>
  w.store.tasks().filter((t) => t.desired === 'run' && t.nodeId === nodeId).map((t) => `${t.service}:${t.id}`).sort();
const stateOf = (w: World, id: string): TaskState | undefined => w.store.task(id)?.status.state;

/** n1 registered on a raw stream at T0 (its heartbeat time). */
async function registeredN1(w: World): Promise<RawAgentStream> {
  const agent = new RawAgentStream(w.address);
  cleanups.push(() => agent.close());
  agent.register(sampleRegistration('n1', { tasks: [sampleStatus('t-web-1'), sampleStatus('t-cache-1')] }));
  await agent.nth('assignmentSet', 0);
  return agent;
}

describe('Dispatcher leases', () => {
  it('marks a silent node down at the grace; keep-running tasks move then, the others are lost and move at grace + margin', async () => {
    const w = await world();
    await registeredN1(w);

    advanceTo(w, 3_000); // silent exactly the grace: still ready
    expect(w.store.node('n1')!.state).toBe('ready');
    advanceTo(w, 3_500);
    expect(w.store.node('n1')!.state).toBe('down');
    expect(w.down).toEqual([['n1']]);

    // Down: the cache task (availability chosen) is replaced at once; web waits for its lease.
    reconcileRound(w);
    expect(w.store.task('t-cache-1')!.desired).toBe('stop');
    expect(liveOn(w, 'n2')).toEqual(['cache:new-1']);
    expect(liveOn(w, 'n1')).toEqual(['web:t-web-1']);

    advanceTo(w, 4_000); // silent exactly grace + margin: its agent may still be stopping it
    reconcileRound(w);
    expect(stateOf(w, 't-web-1')).toBe('running');
    expect(liveOn(w, 'n1')).toEqual(['web:t-web-1']);

    advanceTo(w, 4_500);
    expect(w.store.task('t-web-1')!.status).toMatchObject({
      state: 'lost',
      message: 'node host-n1 silent for 4.5 s: lease expired, its agent stopped the task',
      stateTimes: expect.objectContaining({ lost: T0 + 4_500 }),
    });
    expect(w.lost).toEqual([{ nodeId: 'n1', silentMs: 4_500, taskIds: ['t-web-1'] }]);
    // The cache task (told to stop, not lost) is left alone.
    expect(stateOf(w, 't-cache-1')).toBe('running');

    reconcileRound(w);
    expect(w.store.task('t-web-1')!.desired).toBe('stop');
    expect(liveOn(w, 'n1')).toEqual([]);
    expect(liveOn(w, 'n2')).toEqual(['cache:new-1', 'web:new-2']);

    advanceTo(w, 10_000); // later checks find nothing more to give up
    expect(w.lost).toHaveLength(1);
  });

  it('gives up on the tasks the moment the lease runs out, not at the next check', async () => {
    const w = await world();
    await registeredN1(w);
    advanceTo(w, 4_000); // this check finds the lease about to run out and sets a timer for it
    expect(w.lost).toEqual([]);
    w.clock.now = T0 + 4_001; // no check runs before the next 500 ms step
    await eventually(() => w.lost[0], 'the lease timer to fire');
    expect(w.lost).toEqual([{ nodeId: 'n1', silentMs: 4_001, taskIds: ['t-web-1'] }]);
    expect(w.store.task('t-web-1')!.status.message).toBe('node host-n1 silent for 4.0 s: lease expired, its agent stopped the task');
  });

  it('replaces nothing when the node’s heartbeats resume before grace + margin, and sends it a fresh complete set', async () => {
    const w = await world();
    const agent = await registeredN1(w);
    advanceTo(w, 3_500);
    expect(w.store.node('n1')!.state).toBe('down');

    w.clock.now = T0 + 3_700;
    agent.send({ kind: 'heartbeat', seq: 1, time: w.clock.now });
    await eventually(() => w.store.node('n1')!.state === 'ready', 'the heartbeat to bring n1 back');
    const complete = await agent.nth('assignmentSet', 1);
    expect(complete.set.kind).toBe('complete');
    expect(complete.set.assignments.map((a) => a.taskId)).toEqual(['t-cache-1', 't-web-1']);

    advanceTo(w, 6_000); // past where the lease would have run out, counted from the old silence
    reconcileRound(w);
    expect(w.lost).toEqual([]);
    expect(stateOf(w, 't-web-1')).toBe('running');
    expect(liveOn(w, 'n1')).toEqual(['cache:t-cache-1', 'web:t-web-1']);
    expect(liveOn(w, 'n2')).toEqual([]);
  });

  it('keeps a lost task lost when its node comes back reporting it, and takes the report that it stopped', async () => {
    const w = await world();
    await registeredN1(w);
    advanceTo(w, 4_500);
    reconcileRound(w);
    expect(w.store.task('t-web-1')).toMatchObject({ desired: 'stop', status: { state: 'lost' } });

    // A frozen agent resumes and registers again before it has stopped anything.
    const back = new RawAgentStream(w.address);
    cleanups.push(() => back.close());
    back.register(sampleRegistration('n1', { tasks: [sampleStatus('t-web-1'), sampleStatus('t-cache-1')] }));
    const set = await back.nth('assignmentSet', 0);
    expect(set.set.assignments).toEqual([]); // both replaced: the agent stops them
    expect(stateOf(w, 't-web-1')).toBe('lost');
    reconcileRound(w);
    expect(liveOn(w, 'n2').map((t) => t.split(':')[0])).toEqual(['cache', 'web']);

    back.send({ kind: 'statusBatch', statuses: [sampleStatus('t-web-1', 'stopped')] });
    await eventually(() => stateOf(w, 't-web-1') === 'stopped', 'the stop to be recorded');
  });

  it('counts a node down before a scheduler restart as silent from the dispatcher’s start', async () => {
    const w = await world((store) => {
      store.heartbeat('n1', T0 - 60_000);
      store.updateNode('n1', { state: 'down' });
    });
    advanceTo(w, 4_000);
    expect(w.lost).toEqual([]);
    advanceTo(w, 4_500);
    expect(w.lost.map((e) => [e.nodeId, e.taskIds])).toEqual([['n1', ['t-web-1']]]);
  });
});
