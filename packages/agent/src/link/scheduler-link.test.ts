// The link against a real grpc-js server on loopback (TestScheduler). Timing assertions are
// loose on purpose: counts within generous windows, never how fast something happened.
import { wire, type AssignmentSet, type HeartbeatAck, type ServiceSpec, type TaskStatus } from '@berth/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SchedulerLink, type NodeReport, type SchedulerLinkOptions } from './scheduler-link.js';
import type { LinkDown, LinkRetry } from './scheduler-link-events.js';
import { TestScheduler, waitUntil, type TestSchedulerOptions } from './test-scheduler.js';

const webService: ServiceSpec = {
  name: 'web',
  image: 'nginx:1.27',
  pullPolicy: 'missing',
  command: [],
  environment: { TZ: 'UTC', HOME: null },
  ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'ingress' }],
  expose: [],
  volumes: [
    { type: 'bind', source: '/srv/www', target: '/usr/share/nginx/html', readOnly: true, createHostPath: false },
    { type: 'tmpfs', target: '/tmp', sizeBytes: 64 * 1024 * 1024 },
  ],
  networks: { front: { aliases: ['www'] } },
  dependsOn: { db: { condition: 'service_healthy', restart: true, required: true } },
  restart: { condition: 'on-failure', maxAttempts: 0, windowMs: 0 },
  stopSignal: 'SIGQUIT',
  stopGracePeriodMs: 10_000,
  init: false,
  labels: { tier: 'front' },
  profiles: [],
  secrets: [],
  configs: [],
  deploy: {
    mode: 'replicated',
    replicas: 2,
    placement: {
      constraints: [{ field: 'node.role', op: '==', value: 'worker' }],
      spread: [],
      maxReplicasPerNode: 0,
    },
    resources: { limits: { cpus: 0.5, memoryBytes: 256 * 1024 * 1024 }, reservations: {} },
    labels: {},
  },
  berth: {
    driver: 'docker',
    restartBackoff: { initialMs: 100, maxMs: 60_000, multiplier: 2, resetAfterMs: 10_000 },
    unhealthy: 'restart',
    placementStrategy: 'spread',
    keepRunningWhenDisconnected: false,
  },
};

const status = (taskId: string, state: TaskStatus['state'], at: number): TaskStatus => ({
  taskId,
  state,
  health: 'none',
  message: `${state} at ${at}`,
  restarts: 0,
  runtimeId: `c-${taskId}`,
  stateTimes: { [state]: at },
  ports: [],
});

const report: NodeReport = {
  name: 'alpha',
  address: '10.0.0.5',
  labels: { zone: 'a', disk: 'ssd' },
  cpus: 3.5,
  memoryBytes: 8 * 1024 ** 3,
  drivers: [
    { name: 'docker', available: true, message: 'Docker 27.1' },
    { name: 'process', available: false, message: 'disabled by configuration' },
  ],
  agentVersion: '0.1.0',
  tasks: [status('t-web-1', 'running', 1_700_000_000_000)],
  appliedRevision: 4,
};

describe('SchedulerLink', () => {
  const cleanups: (() => Promise<void>)[] = [];

  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function startScheduler(options: TestSchedulerOptions = {}): Promise<TestScheduler> {
    const scheduler = await TestScheduler.start({ heartbeatPeriodMs: 50, ...options });
    cleanups.push(() => scheduler.close());
    return scheduler;
  }

  function startLink(address: string, options: Partial<SchedulerLinkOptions> = {}): SchedulerLink {
    const link = new SchedulerLink({
      address,
      nodeId: 'node-abc',
      report: () => report,
      random: () => 0.5,
      ...options,
    });
    cleanups.push(() => link.close());
    link.start();
    return link;
  }

  it('registers with the node id and everything the report says', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    const registration = await waitUntil(() => scheduler.registrations()[0], 'Register');
    expect(registration).toStrictEqual({ ...report, nodeId: 'node-abc' });
    await waitUntil(() => link.connected, 'connected');
    expect(link.nodeId).toBe('node-abc');
    expect(link.lastAckAt).toBeTypeOf('number');
  });

  it('takes the node id a RegisterAck assigns and announces the connection', async () => {
    const scheduler = await startScheduler({ assignNodeId: () => 'sched-7', graceMs: 4_000 });
    const link = new SchedulerLink({ address: scheduler.address, nodeId: '', report: () => report });
    cleanups.push(() => link.close());
    const up = new Promise((resolve) => link.once('connected', resolve));
    link.start();
    expect(await up).toEqual({ nodeId: 'sched-7', heartbeatPeriodMs: 50, graceMs: 4_000 });
    expect(link.nodeId).toBe('sched-7');
    expect(scheduler.registrations()[0]?.nodeId).toBe('');
  });

  it('heartbeats at the period the RegisterAck names and records the acks', async () => {
    const scheduler = await startScheduler({ heartbeatPeriodMs: 50, graceMs: 3_000 });
    const link = startLink(scheduler.address);
    const acks: HeartbeatAck[] = [];
    link.on('heartbeatAck', (ack) => acks.push(ack));
    const seqs = await waitUntil(
      () => scheduler.heartbeatSeqs().length >= 3 && scheduler.heartbeatSeqs(),
      '3 heartbeats',
      1_000,
    );
    expect(seqs.slice(0, 3)).toEqual([1, 2, 3]);
    await waitUntil(() => acks.length >= 3, '3 heartbeat acks');
    expect(acks.slice(0, 3).map((a) => a.seq)).toEqual([1, 2, 3]);
    expect(link.leaseExpiresAt).toBe(acks.at(-1)?.leaseExpiresAt);
    expect(link.leaseExpiresAt).toBeGreaterThan(link.lastAckAt! - 1_000);
  });

  it('delivers a complete assignment set as domain values with the full ServiceSpec', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    const sets: AssignmentSet[] = [];
    link.on('assignments', (set) => sets.push(set));
    await waitUntil(() => link.connected, 'connected');
    const set: AssignmentSet = {
      kind: 'complete',
      revision: 5,
      assignments: [
        {
          taskId: 't-web-1',
          stack: 'shop',
          service: 'web',
          slot: 1,
          spec: webService,
          desired: 'run',
          networks: {
            front: {
              name: 'shop_front',
              driver: 'bridge',
              external: false,
              internal: false,
              attachable: true,
              enableIpv6: false,
              driverOpts: {},
              labels: { team: 'web' },
            },
          },
          volumes: {
            html: { name: 'shop_html', driver: 'local', external: false, driverOpts: {}, labels: {} },
          },
          secrets: { tls: { name: 'shop_tls', file: '/run/tls.pem', external: false } },
          configs: { site: { name: 'shop_site', content: 'server {}', external: false } },
        },
        { ...minimalAssignment('t-web-2', 2), desired: 'stop' },
      ],
      removedTaskIds: [],
    };
    expect(scheduler.pushAssignments(set)).toBe(1);
    await waitUntil(() => sets.length === 1, 'assignment set');
    expect(sets[0]).toStrictEqual(set);
  });

  it('skips a message it cannot represent and stays connected', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    const errors: unknown[] = [];
    const sets: AssignmentSet[] = [];
    link.on('protocolError', (e) => errors.push(e));
    link.on('assignments', (s) => sets.push(s));
    await waitUntil(() => link.connected, 'connected');
    scheduler.sendWire({
      payload: {
        $case: 'assignmentSet',
        value: { kind: wire.AssignmentSetKind.UNSPECIFIED, revision: 1, assignments: [], removedTaskIds: [] },
      },
    });
    scheduler.pushAssignments({ kind: 'incremental', revision: 2, assignments: [], removedTaskIds: ['t-1'] });
    await waitUntil(() => sets.length === 1, 'the valid set');
    expect(errors).toHaveLength(1);
    expect(String(errors[0])).toContain('assignmentSet.kind');
    expect(sets[0]).toEqual({ kind: 'incremental', revision: 2, assignments: [], removedTaskIds: ['t-1'] });
    expect(link.connected).toBe(true);
  });

  it('sends status batches converted', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    await waitUntil(() => link.connected, 'connected');
    const statuses: TaskStatus[] = [
      {
        ...status('t-1', 'running', 1_700_000_000_500),
        health: 'healthy',
        ports: [{ target: 80, published: 8080, hostIp: '0.0.0.0', protocol: 'tcp' }],
      },
      { ...status('t-2', 'exited', 1_700_000_000_900), exitCode: 3, restarts: 2 },
    ];
    link.reportStatuses(statuses);
    const batches = await waitUntil(
      () => scheduler.statusBatches().length === 1 && scheduler.statusBatches(),
      'a batch',
    );
    expect(batches[0]).toStrictEqual(statuses);
  });

  it('reconnects after the scheduler dies, re-registers with the same id, sends the backlog', async () => {
    const first = await startScheduler({ assignNodeId: () => 'sched-1' });
    const link = startLink(first.address);
    const downs: LinkDown[] = [];
    const retries: LinkRetry[] = [];
    link.on('disconnected', (d) => downs.push(d));
    link.on('retrying', (r) => retries.push(r));
    await waitUntil(() => link.connected, 'connected');
    await first.close();
    await waitUntil(() => downs.length === 1, 'disconnected');
    expect(link.connected).toBe(false);
    expect(downs[0]?.reason).toBe('failed');

    link.reportStatuses([status('a', 'starting', 1), status('b', 'running', 2)]);
    link.reportStatuses([status('a', 'running', 3), status('c', 'failed', 4)]);
    link.reportStatuses([status('b', 'exited', 5)]);
    // Let a few redials fail against the closed port, so the backoff is exercised.
    await waitUntil(() => retries.length >= 3, '3 retries');

    const second = await startScheduler({ port: first.port, heartbeatPeriodMs: 50 });
    await waitUntil(() => second.statusBatches().length === 1, 'the backlog after re-register');
    expect(second.registrations().map((r) => r.nodeId)).toEqual(['sched-1']);
    expect(second.received.map((m) => m.kind).slice(0, 2)).toEqual(['register', 'statusBatch']);
    expect(second.statusBatches()[0]).toStrictEqual([
      status('a', 'running', 3),
      status('c', 'failed', 4),
      status('b', 'exited', 5),
    ]);
    await waitUntil(() => link.connected, 'connected again');
    // Full jitter at random 0.5: half of 100 ms doubling, capped at 5 s.
    expect(retries.slice(0, 3).map((r) => [r.attempt, r.delayMs])).toEqual([
      [0, 50],
      [1, 100],
      [2, 200],
    ]);
  });

  it('reconnects when the scheduler ends the stream gracefully, and resets the backoff', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    const retries: LinkRetry[] = [];
    link.on('retrying', (r) => retries.push(r));
    await waitUntil(() => link.connected, 'connected');
    scheduler.endStreams();
    await waitUntil(() => scheduler.registrations().length === 2, 'second Register');
    scheduler.endStreams();
    await waitUntil(() => scheduler.registrations().length === 3, 'third Register');
    expect(retries.map((r) => r.attempt)).toEqual([0, 0]);
    expect(scheduler.streamsOpened).toBe(3);
  });

  it('treats a scheduler that stops answering as gone and redials', async () => {
    const scheduler = await startScheduler({ ackHeartbeats: false });
    const link = startLink(scheduler.address);
    const downs: LinkDown[] = [];
    link.on('disconnected', (d) => downs.push(d));
    await waitUntil(() => downs.length >= 1, 'stall detected');
    expect(downs[0]?.reason).toBe('stalled');
    await waitUntil(() => scheduler.registrations().length >= 2, 're-register');
  });

  it('passes log requests on, carries chunks back, and cancels open requests when the stream drops', async () => {
    const scheduler = await startScheduler();
    const link = startLink(scheduler.address);
    const events: string[] = [];
    link.on('logRequest', (r) =>
      events.push(`request ${r.requestId} ${r.taskId} tail=${r.tail} since=${r.since} follow=${r.follow}`),
    );
    link.on('logCancel', (id) => events.push(`cancel ${id}`));
    await waitUntil(() => link.connected, 'connected');
    scheduler.send({
      kind: 'logRequest',
      request: { requestId: 'r1', taskId: 't-1', tail: 10, follow: true, since: 1_700_000_000_000 },
    });
    scheduler.send({ kind: 'logRequest', request: { requestId: 'r2', taskId: 't-2', follow: false } });
    scheduler.send({ kind: 'logRequest', request: { requestId: 'r3', taskId: 't-3', follow: true } });
    scheduler.send({ kind: 'logCancel', requestId: 'r3' });
    await waitUntil(() => events.length === 4, 'requests');
    const chunk = { requestId: 'r2', taskId: 't-2', stream: 'stderr' as const, time: 5, eof: true };
    expect(link.sendLogChunk({ ...chunk, data: Buffer.from('boom\n') })).toBe(true);
    await waitUntil(() => scheduler.received.some((m) => m.kind === 'logChunk'), 'chunk');
    expect(scheduler.received.find((m) => m.kind === 'logChunk')).toStrictEqual({
      kind: 'logChunk',
      chunk: { ...chunk, data: new Uint8Array(Buffer.from('boom\n')) },
    });
    scheduler.endStreams();
    await waitUntil(() => !link.connected, 'disconnected');
    expect(events).toEqual([
      'request r1 t-1 tail=10 since=1700000000000 follow=true',
      'request r2 t-2 tail=undefined since=undefined follow=false',
      'request r3 t-3 tail=undefined since=undefined follow=true',
      'cancel r3',
      // r2 ended with its eof chunk; only r1 was still open.
      'cancel r1',
    ]);
    expect(link.sendLogFailure({ requestId: 'r1', taskId: 't-1', code: 'NOT_FOUND', message: 'gone' })).toBe(false);
  });

  it('gives up on a stream whose RegisterAck does not come, and redials', async () => {
    const scheduler = await startScheduler({ ackRegistrations: false });
    const link = startLink(scheduler.address, { registerTimeoutMs: 100 });
    const retries: LinkRetry[] = [];
    link.on('retrying', (r) => retries.push(r));
    await waitUntil(() => scheduler.registrations().length >= 2, 'a second Register');
    expect(retries[0]).toEqual({ attempt: 0, delayMs: 50, cause: 'no RegisterAck within 100 ms' });
    expect(link.connected).toBe(false);
  });

  it('retries when the report cannot be made', async () => {
    const scheduler = await startScheduler();
    let calls = 0;
    const link = new SchedulerLink({
      address: scheduler.address,
      nodeId: 'n',
      random: () => 0.5,
      report: () => {
        calls += 1;
        if (calls === 1) throw new Error('docker ping failed');
        return Promise.resolve(report);
      },
    });
    cleanups.push(() => link.close());
    const retries: LinkRetry[] = [];
    link.on('retrying', (r) => retries.push(r));
    link.start();
    await waitUntil(() => link.connected, 'connected');
    expect(retries).toEqual([{ attempt: 0, delayMs: 50, cause: 'cannot describe the node: docker ping failed' }]);
  });
});

function minimalAssignment(taskId: string, slot: number): AssignmentSet['assignments'][number] {
  return {
    taskId,
    stack: 'shop',
    service: 'web',
    slot,
    spec: webService,
    desired: 'run',
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
}
