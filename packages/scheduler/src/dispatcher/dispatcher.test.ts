// The dispatcher on a real grpc-js server on loopback, with the agent's real SchedulerLink (or a
// raw stream where the test needs to speak the protocol message by message). Waits are bounded
// polls; nothing asserts how fast something happened.
import { status as grpcStatus } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { AssignmentSet } from '@berth/api';
import { SchedulerLink, type LinkUp, type NodeReport } from '@berth/agent';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { Dispatcher } from './dispatcher.js';
import type { DispatcherOptions } from './dispatcher-options.js';
import {
  eventually,
  hostDispatcher,
  RawAgentStream,
  sampleRegistration,
  stackWithResources,
  type HostedDispatcher,
} from './dispatcher.fixture.js';

interface Harness {
  store: MemoryStateStore;
  dispatcher: Dispatcher;
  hosted: HostedDispatcher;
}

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

/** A store with stack `shop` (web, db), nodes n1 and n2, and a dispatcher serving it. */
async function start(options: DispatcherOptions = {}): Promise<Harness> {
  const store = new MemoryStateStore();
  store.transaction((tx) => {
    tx.putStack(stackWithResources('shop', ['web', 'db']));
    tx.putNode({ ...sampleNode('n1'), availability: 'drain' });
    tx.putTask(sampleTask('t-web-1', 'shop', 'web', 1, 'n1'));
    tx.putTask(sampleTask('t-db-1', 'shop', 'db', 1, 'n1'));
    tx.putTask({ ...sampleTask('t-web-old', 'shop', 'web', 2, 'n1'), desired: 'stop' });
    tx.putTask(sampleTask('t-web-2', 'shop', 'web', 2, 'n2'));
  });
  const dispatcher = new Dispatcher(store, { batchMs: 5, ...options });
  const hosted = await hostDispatcher(dispatcher);
  cleanups.push(() => hosted.close(), () => store.close());
  return { store, dispatcher, hosted };
}

interface LinkedAgent {
  link: SchedulerLink;
  sets: AssignmentSet[];
  ups: LinkUp[];
}

/** A started SchedulerLink for `nodeId`, recording the sets it receives. */
function connect(address: string, nodeId: string, report: Partial<NodeReport> = {}): LinkedAgent {
  const { nodeId: _ignored, ...registration } = sampleRegistration(nodeId);
  const link = new SchedulerLink({
    address,
    nodeId,
    report: () => ({ ...registration, ...report }),
    backoff: { initialMs: 20, maxMs: 100 },
  });
  const agent: LinkedAgent = { link, sets: [], ups: [] };
  link.on('assignments', (set) => agent.sets.push(set));
  link.on('connected', (up) => agent.ups.push(up));
  link.start();
  cleanups.push(() => link.close());
  return agent;
}

function rawStream(address: string): RawAgentStream {
  const stream = new RawAgentStream(address);
  cleanups.push(() => stream.close());
  return stream;
}

const ids = (set: AssignmentSet | undefined): string[] => (set?.assignments ?? []).map((a) => a.taskId);

describe('Dispatcher: registration and the complete set', () => {
  it('creates the node as ready, keeps its availability, and acks with period and grace', async () => {
    const { store, hosted } = await start({ heartbeatPeriodMs: 200, missedHeartbeats: 4 });
    const agent = connect(hosted.address, 'n1');
    const up = await eventually(() => agent.ups[0], 'the link to connect');
    expect(up).toEqual({ nodeId: 'n1', heartbeatPeriodMs: 200, graceMs: 800 });
    const node = store.node('n1')!;
    expect(node).toMatchObject({
      id: 'n1',
      name: 'host-n1',
      address: '127.0.0.1',
      state: 'ready',
      availability: 'drain',
      role: 'worker',
      labels: { zone: 'a' },
      cpus: 2,
      memoryBytes: 4 * 2 ** 30,
      drivers: [{ name: 'docker', available: true, message: '27.1' }],
    });
  });

  it('gives a node registering without an id a fresh one', async () => {
    let next = 0;
    const { store, hosted } = await start({ newId: () => `fresh-${++next}` });
    const agent = connect(hosted.address, '');
    await eventually(() => agent.ups[0], 'the link to connect');
    expect(agent.link.nodeId).toBe('fresh-1');
    expect(store.node('fresh-1')).toMatchObject({ state: 'ready', availability: 'active', role: 'worker' });
    expect(agent.sets[0]).toMatchObject({ kind: 'complete', assignments: [] });
  });

  it('sends a complete set of exactly the node’s run tasks, with full specs and resources', async () => {
    const { store, hosted } = await start();
    const agent = connect(hosted.address, 'n1');
    const set = await eventually(() => agent.sets[0], 'the complete set');
    expect(set.kind).toBe('complete');
    expect(set.revision).toBe(1);
    expect(ids(set)).toEqual(['t-db-1', 't-web-1']);
    const stack = store.stack('shop')!.spec;
    const web = set.assignments.find((a) => a.taskId === 't-web-1')!;
    expect(web).toEqual({
      taskId: 't-web-1',
      stack: 'shop',
      service: 'web',
      slot: 1,
      spec: stack.services.web,
      desired: 'run',
      networks: { default: stack.networks.default, front: stack.networks.front },
      volumes: { data: stack.volumes.data },
      secrets: { token: stack.secrets.token },
      configs: { site: stack.configs.site },
    });
  });

  it('records the statuses reported in Register for tasks it has on that node only', async () => {
    const { store, hosted } = await start();
    const tasks = [sampleStatus('t-web-1', 'failed'), sampleStatus('t-web-2', 'failed'), sampleStatus('t-unknown', 'running')];
    const agent = connect(hosted.address, 'n1', { tasks });
    await eventually(() => agent.sets[0], 'the complete set');
    expect(store.task('t-web-1')!.status).toEqual(tasks[0]);
    expect(store.task('t-web-2')!.status.state).toBe('running'); // on n2: a stale report from n1
    expect(store.task('t-unknown')).toBeUndefined();
  });

  it('continues revisions past what the agent applied, and past earlier streams', async () => {
    const { hosted } = await start();
    const first = rawStream(hosted.address);
    first.register(sampleRegistration('n1', { appliedRevision: 41 }));
    expect((await first.nth('assignmentSet', 0)).set.revision).toBe(42);
    first.close();
    const second = rawStream(hosted.address);
    second.register(sampleRegistration('n1', { appliedRevision: 3 }));
    expect((await second.nth('assignmentSet', 0)).set).toMatchObject({ kind: 'complete', revision: 43 });
  });

  it('ends a stream whose first message is not Register', async () => {
    const { store, hosted } = await start();
    const stream = rawStream(hosted.address);
    stream.send({ kind: 'heartbeat', seq: 1, time: Date.now() });
    const final = await stream.ended();
    expect(final.code).toBe(grpcStatus.FAILED_PRECONDITION);
    expect(final.details).toMatch(/first message must be Register/);
    expect(store.nodes().map((n) => n.id)).toEqual(['n1']);
  });
});

describe('Dispatcher: incremental sets', () => {
  it('sends a new task for the node as an upsert, and a task set to stop as a removal', async () => {
    const { store, hosted } = await start();
    const agent = connect(hosted.address, 'n1');
    await eventually(() => agent.sets[0], 'the complete set');

    store.putTask(sampleTask('t-web-3', 'shop', 'web', 3, 'n1'));
    const upsert = await eventually(() => agent.sets[1], 'the upsert');
    expect(upsert).toMatchObject({ kind: 'incremental', revision: 2, removedTaskIds: [] });
    expect(ids(upsert)).toEqual(['t-web-3']);
    expect(upsert.assignments[0]!.spec).toEqual(store.stack('shop')!.spec.services.web);

    store.updateTask('t-db-1', { desired: 'stop' });
    const removal = await eventually(() => agent.sets[2], 'the removal');
    expect(removal).toEqual({ kind: 'incremental', revision: 3, assignments: [], removedTaskIds: ['t-db-1'] });
  });

  it('gathers quick changes into one set, tells each node its part, and ignores status reports', async () => {
    const { store, hosted } = await start();
    const n1 = connect(hosted.address, 'n1');
    const n2 = connect(hosted.address, 'n2');
    await eventually(() => n1.sets[0] && n2.sets[0], 'both complete sets');

    store.setTaskStatus(sampleStatus('t-web-1', 'failed')); // a status report: nothing to send
    store.putTask(sampleTask('t-web-3', 'shop', 'web', 3, 'n1'));
    store.updateTask('t-web-2', { nodeId: 'n1' }); // moved from n2 to n1
    store.removeTask('t-web-1');

    const forN1 = await eventually(() => n1.sets[1], 'n1’s incremental set');
    expect(forN1).toMatchObject({ kind: 'incremental', revision: 2, removedTaskIds: ['t-web-1'] });
    expect(ids(forN1)).toEqual(['t-web-2', 't-web-3']);
    const forN2 = await eventually(() => n2.sets[1], 'n2’s incremental set');
    expect(forN2).toEqual({ kind: 'incremental', revision: 2, assignments: [], removedTaskIds: ['t-web-2'] });

    store.putTask(sampleTask('t-web-4', 'shop', 'web', 4, 'n1'));
    const next = await eventually(() => n1.sets[2], 'the next set');
    expect(next.revision).toBe(3); // the status report made no set in between
    expect(ids(next)).toEqual(['t-web-4']);
  });

  it('sends a re-registering node a fresh complete set with what changed meanwhile', async () => {
    const { store, dispatcher, hosted } = await start();
    const first = rawStream(hosted.address);
    first.register(sampleRegistration('n1'));
    await first.nth('assignmentSet', 0);
    first.close();
    await eventually(() => dispatcher.connectedNodes().length === 0, 'the first stream to go');
    store.putTask(sampleTask('t-web-3', 'shop', 'web', 3, 'n1'));
    const second = rawStream(hosted.address);
    second.register(sampleRegistration('n1', { appliedRevision: 1 }));
    const { set } = await second.nth('assignmentSet', 0);
    expect(set).toMatchObject({ kind: 'complete', revision: 2 });
    expect(ids(set)).toEqual(['t-db-1', 't-web-1', 't-web-3']);
  });
});

describe('Dispatcher: operator labels', () => {
  it('keeps an operator’s label changes over the agent’s own labels when the node registers again', async () => {
    const { store, dispatcher, hosted } = await start();
    const first = rawStream(hosted.address);
    first.register(sampleRegistration('n1', { labels: { zone: 'a', disk: 'hdd' } }));
    await first.nth('assignmentSet', 0);
    first.close();
    await eventually(() => dispatcher.connectedNodes().length === 0, 'the first stream to go');
    // What `berth node update n1 --label-add disk=ssd --label-add tier=gold --label-rm zone` writes.
    store.updateNode('n1', { labels: { disk: 'ssd', tier: 'gold' }, operatorLabels: { disk: 'ssd', tier: 'gold', zone: null } });
    const second = rawStream(hosted.address);
    second.register(sampleRegistration('n1', { labels: { zone: 'b', disk: 'hdd', rack: '7' } }));
    await second.nth('assignmentSet', 0);
    expect(store.node('n1')!.labels).toEqual({ disk: 'ssd', tier: 'gold', rack: '7' });
  });
});

describe('Dispatcher: one stream per node', () => {
  it('replaces the first stream of a node with the second', async () => {
    const { store, dispatcher, hosted } = await start();
    const first = rawStream(hosted.address);
    first.register(sampleRegistration('n1'));
    await first.nth('assignmentSet', 0);
    const second = rawStream(hosted.address);
    second.register(sampleRegistration('n1'));
    expect((await second.nth('assignmentSet', 0)).set).toMatchObject({ kind: 'complete', revision: 2 });

    const final = await first.ended();
    expect(final.code).toBe(grpcStatus.ABORTED);
    expect(final.details).toMatch(/replaced by a newer stream/);
    expect(dispatcher.connectedNodes()).toEqual(['n1']);

    store.putTask(sampleTask('t-web-3', 'shop', 'web', 3, 'n1'));
    const { set } = await second.nth('assignmentSet', 1);
    expect(ids(set)).toEqual(['t-web-3']);
    expect(first.all('assignmentSet')).toHaveLength(1);
  });

  it('cuts off a node removed from the store at once: an empty complete set, then the end of its stream', async () => {
    // No heartbeat comes within the test: only the removal itself can end the stream.
    const removed = new Set<string>();
    const { store, dispatcher, hosted } = await start({
      heartbeatPeriodMs: 60_000,
      authorize: (_peer, nodeId) =>
        removed.has(nodeId) ? { ok: false, code: 'PERMISSION_DENIED', message: `node ${nodeId} was removed from the cluster` } : { ok: true },
    });
    const stream = rawStream(hosted.address);
    stream.register(sampleRegistration('n1'));
    expect(ids((await stream.nth('assignmentSet', 0)).set)).toEqual(['t-db-1', 't-web-1']);
    const other = rawStream(hosted.address);
    other.register(sampleRegistration('n2'));
    await other.nth('assignmentSet', 0);

    removed.add('n1'); // what `berth node rm` does: revoke, then remove from the store
    store.removeNode('n1');
    const final = await stream.ended();
    expect(final).toMatchObject({ code: grpcStatus.PERMISSION_DENIED, details: 'node n1 was removed from the cluster' });
    // Its agent is told it runs nothing before the stream ends, so it stops its tasks now.
    expect(stream.all('assignmentSet').map((m) => m.set)).toMatchObject([{ kind: 'complete' }, { kind: 'complete', revision: 2, assignments: [] }]);
    expect(dispatcher.connectedNodes()).toEqual(['n2']);
    expect(other.final).toBeUndefined();
  });

  it('ends the stream of a removed node with NOT_FOUND when it has no authorizer (plain text)', async () => {
    const { store, hosted } = await start({ heartbeatPeriodMs: 60_000 });
    const stream = rawStream(hosted.address);
    stream.register(sampleRegistration('n1'));
    await stream.nth('assignmentSet', 0);
    store.removeNode('n1');
    expect(await stream.ended()).toMatchObject({ code: grpcStatus.NOT_FOUND, details: expect.stringMatching(/node n1 was removed/) });
  });

  it('ends every stream with UNAVAILABLE on close', async () => {
    const { dispatcher, hosted } = await start();
    const stream = rawStream(hosted.address);
    stream.register(sampleRegistration('n1'));
    await stream.nth('registerAck', 0);
    dispatcher.close();
    expect((await stream.ended()).code).toBe(grpcStatus.UNAVAILABLE);
    expect(dispatcher.connectedNodes()).toEqual([]);
  });
});

describe('Dispatcher: statuses, heartbeats and liveness', () => {
  it('records the statuses the link reports, in the store', async () => {
    const { store, hosted } = await start();
    const agent = connect(hosted.address, 'n1');
    await eventually(() => agent.sets[0], 'the complete set');
    const running = sampleStatus('t-web-1', 'running', 2);
    const exited = { ...sampleStatus('t-db-1', 'exited'), exitCode: 3 };
    agent.link.reportStatuses([running, exited, sampleStatus('t-web-2', 'failed')]);
    await eventually(() => store.task('t-db-1')!.status.state === 'exited', 'the statuses to land');
    expect(store.task('t-web-1')!.status).toEqual(running);
    expect(store.task('t-db-1')!.status).toEqual(exited);
    expect(store.task('t-web-2')!.status.state).toBe('running'); // another node's task
  });

  it('records heartbeats at the dispatcher’s time and acks them with a lease of now + grace', async () => {
    let clock = 1_000_000;
    const { store, hosted } = await start({ heartbeatPeriodMs: 30, missedHeartbeats: 5, now: () => clock });
    const agent = connect(hosted.address, 'n1');
    const leases: number[] = [];
    agent.link.on('heartbeatAck', (ack) => leases.push(ack.leaseExpiresAt ?? 0));
    await eventually(() => agent.ups[0], 'the link to connect');
    expect(store.node('n1')!.lastHeartbeatAt).toBe(1_000_000); // registering counts as heard from
    clock = 2_000_000;
    await eventually(() => leases.includes(2_000_150), 'a heartbeat acked at the new time');
    expect(store.node('n1')).toMatchObject({ lastHeartbeatAt: 2_000_000, state: 'ready' });
  });

  it('marks a silent node down after the grace, not when its stream ends, and ready on re-register', async () => {
    const { store, dispatcher, hosted } = await start({ heartbeatPeriodMs: 50, missedHeartbeats: 3 });
    const down: string[][] = [];
    const gone: string[] = [];
    dispatcher.on('nodesDown', (nodeIds) => down.push(nodeIds));
    dispatcher.on('disconnected', ({ nodeId }) => gone.push(nodeId));

    const agent = connect(hosted.address, 'n1');
    await eventually(() => agent.ups[0], 'the link to connect');
    await agent.link.close();
    await eventually(() => gone.includes('n1'), 'the stream to go');
    expect(store.node('n1')!.state).toBe('ready'); // ending the stream alone changes nothing

    await eventually(() => store.node('n1')!.state === 'down', 'n1 to be marked down');
    expect(down).toEqual([['n1']]);

    const again = rawStream(hosted.address);
    again.register(sampleRegistration('n1'));
    await again.nth('registerAck', 0);
    expect(store.node('n1')!.state).toBe('ready');
  });

  it('makes a node marked down while its stream stayed open ready again on its next heartbeat', async () => {
    const { store, hosted } = await start({ heartbeatPeriodMs: 30 });
    const agent = connect(hosted.address, 'n1');
    await eventually(() => agent.ups[0], 'the link to connect');
    store.updateNode('n1', { state: 'down' }); // as the liveness check does after a partition
    await eventually(() => store.node('n1')!.state === 'ready', 'a heartbeat to revive n1');
    expect(agent.ups).toHaveLength(1); // without registering again
  });

  it('keeps a heartbeating node ready past many graces', async () => {
    // A generous grace: this asserts that heartbeats keep a node up, not how punctual they are.
    const { store, dispatcher, hosted } = await start({ heartbeatPeriodMs: 40, missedHeartbeats: 5 });
    const down: string[][] = [];
    dispatcher.on('nodesDown', (nodeIds) => down.push(nodeIds));
    const agent = connect(hosted.address, 'n1');
    let acks = 0;
    agent.link.on('heartbeatAck', () => (acks += 1));
    await eventually(() => acks >= 12, 'twelve heartbeats (two graces and more)');
    expect(store.node('n1')!.state).toBe('ready');
    expect(down).toEqual([]);
  });
});
