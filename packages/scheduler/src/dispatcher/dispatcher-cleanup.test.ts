// Dispatcher.cleanupStack on a real grpc-js server on loopback: what each agent stream receives,
// through the agent's real SchedulerLink and through a raw stream where order matters.
import { afterEach, describe, expect, it } from 'vitest';
import type { StackCleanup } from '@berth/api';
import { SchedulerLink } from '@berth/agent';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleTask } from '../store/store.fixture.js';
import { Dispatcher } from './dispatcher.js';
import type { DispatcherOptions } from './dispatcher-options.js';
import { eventually, hostDispatcher, RawAgentStream, sampleRegistration, stackWithResources, type HostedDispatcher } from './dispatcher.fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** Stack `shop` with t-web-1 on n1 and t-web-2 on n2, and a dispatcher serving it. */
async function start(options: DispatcherOptions = {}): Promise<{ store: MemoryStateStore; dispatcher: Dispatcher; hosted: HostedDispatcher }> {
  const store = new MemoryStateStore();
  store.transaction((tx) => {
    tx.putStack(stackWithResources('shop', ['web']));
    tx.putNode(sampleNode('n1'));
    tx.putTask(sampleTask('t-web-1', 'shop', 'web', 1, 'n1'));
    tx.putTask(sampleTask('t-web-2', 'shop', 'web', 2, 'n2'));
  });
  const dispatcher = new Dispatcher(store, { batchMs: 5, ...options });
  const hosted = await hostDispatcher(dispatcher);
  cleanups.push(() => hosted.close(), () => store.close());
  return { store, dispatcher, hosted };
}

/** A connected SchedulerLink for `nodeId`, recording the cleanups it is told. */
async function linkFor(address: string, nodeId: string): Promise<StackCleanup[]> {
  const { nodeId: _ignored, ...report } = sampleRegistration(nodeId);
  const link = new SchedulerLink({ address, nodeId, report: () => report, backoff: { initialMs: 20, maxMs: 100 } });
  const told: StackCleanup[] = [];
  link.on('stackCleanup', (c) => told.push(c));
  let connected = false;
  link.on('connected', () => (connected = true));
  link.start();
  cleanups.push(() => link.close());
  await eventually(() => connected, `${nodeId} to connect`);
  return told;
}

describe('Dispatcher.cleanupStack', () => {
  it('tells every registered node, and only those, and says how many it told', async () => {
    const { dispatcher, hosted } = await start();
    const n1 = await linkFor(hosted.address, 'n1');
    const n3 = await linkFor(hosted.address, 'n3'); // runs nothing of the stack: still told
    const unregistered = new RawAgentStream(hosted.address);
    cleanups.push(() => unregistered.close());

    expect(dispatcher.cleanupStack('shop', { removeVolumes: true })).toBe(2);
    await eventually(() => n1.length > 0 && n3.length > 0, 'both cleanups');
    expect(n1).toEqual([{ stack: 'shop', removeVolumes: true }]);
    expect(n3).toEqual([{ stack: 'shop', removeVolumes: true }]);
    expect(unregistered.received).toEqual([]);
  });

  it('tells nobody when no node is connected', async () => {
    const { dispatcher } = await start();
    expect(dispatcher.cleanupStack('shop', { removeVolumes: false })).toBe(0);
  });

  it('sends the assignment changes it was still gathering first, so the removals come before the cleanup', async () => {
    // A batch window far longer than the test: only cleanupStack can have sent the set.
    const { store, dispatcher, hosted } = await start({ batchMs: 60_000 });
    const stream = new RawAgentStream(hosted.address);
    cleanups.push(() => stream.close());
    stream.register(sampleRegistration('n1'));
    await stream.nth('assignmentSet', 0);

    store.updateTask('t-web-1', { desired: 'stop' }); // the reconciler's answer to the stack's removal
    expect(dispatcher.cleanupStack('shop', { removeVolumes: false })).toBe(1);
    await stream.nth('stackCleanup', 0);
    expect(stream.received.map((m) => m.kind)).toEqual(['registerAck', 'assignmentSet', 'assignmentSet', 'stackCleanup']);
    expect(stream.all('assignmentSet')[1]?.set).toEqual({ kind: 'incremental', revision: 2, assignments: [], removedTaskIds: ['t-web-1'] });
    expect(stream.all('stackCleanup')).toEqual([{ kind: 'stackCleanup', cleanup: { stack: 'shop', removeVolumes: false } }]);
  });
});
