// A real Scheduler on 127.0.0.1:0: joining, mutual TLS on Agent.Connect, and the Control API over TLS.
import { connect as tlsConnect } from 'node:tls';
import { credentials, Metadata, type ChannelCredentials, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import { fromProtoSchedulerMessage, toProtoAgentMessage, wire, type AgentRegistration, type SchedulerMessage } from '@berth/api';
import {
  certificateFingerprint,
  createClusterCa,
  createKeyAndCsr,
  fetchCaCertificate,
  parseJoinToken,
  readCertificate,
  schedulerChannelCredentials,
  type TlsMaterial,
} from '@berth/api/pki';
import { connectControl } from '../control/control-client.js';
import { Scheduler } from '../scheduler.js';
import { testCertificate } from './pki.fixture.js';

const cleanups: Array<() => unknown> = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

async function start(options: Parameters<typeof Scheduler.start>[0] = {}): Promise<{ scheduler: Scheduler; logs: string[] }> {
  const logs: string[] = [];
  const scheduler = await Scheduler.start({ certificateValidityMs: 600_000, ...options, log: (line) => logs.push(line) });
  cleanups.push(() => scheduler.close());
  return { scheduler, logs };
}

/** Joins like an agent: fetch the CA, pin it against the token, Join over TLS. */
async function join(address: string, token: string, nodeId: string): Promise<TlsMaterial> {
  const caPem = await fetchCaCertificate(address);
  expect(certificateFingerprint(caPem)).toBe(parseJoinToken(token).caFingerprint);
  const { keyPem, csrPem } = await createKeyAndCsr(nodeId, 'node');
  const client = new wire.ClusterClient(address, schedulerChannelCredentials({ caPem }));
  cleanups.push(() => client.close());
  const res = await new Promise<wire.JoinResponse>((resolve, reject) =>
    client.join({ token, csrPem, name: `name-${nodeId}` }, (error, response) => (error ? reject(error) : resolve(response))),
  );
  expect(res.nodeId).toBe(nodeId);
  return { caPem: res.certificate?.caCertificatePem ?? '', certPem: res.certificate?.certificatePem ?? '', keyPem };
}

function registration(nodeId: string): AgentRegistration {
  return {
    nodeId,
    name: `name-${nodeId}`,
    address: '127.0.0.1',
    labels: {},
    cpus: 2,
    memoryBytes: 2 ** 30,
    drivers: [{ name: 'process', available: true, message: '' }],
    agentVersion: 'test',
    tasks: [],
    appliedRevision: 0,
  };
}

/** Opens Agent.Connect with `channel`, registers as `nodeId`; resolves with the first message or the status that ended the stream. */
function connect(address: string, channel: ChannelCredentials, nodeId: string): Promise<SchedulerMessage | { code: number; details: string }> {
  const client = new wire.AgentClient(address, channel);
  cleanups.push(() => client.close());
  const stream = client.connect();
  cleanups.push(() => stream.cancel());
  return new Promise((resolve) => {
    stream.on('data', (raw: wire.SchedulerMessage) => {
      const message = fromProtoSchedulerMessage(raw);
      if (message !== undefined) resolve(message);
    });
    stream.on('error', (error: ServiceError) => resolve({ code: error.code, details: error.details }));
    stream.write(toProtoAgentMessage({ kind: 'register', registration: registration(nodeId) }));
  });
}

function unary<T>(call: (done: (error: ServiceError | null, value: T) => void) => void): Promise<{ error?: ServiceError; value?: T }> {
  return new Promise((resolve) => call((error, value) => resolve(error ? { error } : { value })));
}

/** The serial number of the leaf certificate the TLS server at `address` presents. */
function servedSerial(address: string): Promise<string> {
  const colon = address.lastIndexOf(':');
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: address.slice(0, colon), port: Number(address.slice(colon + 1)), rejectUnauthorized: false, ALPNProtocols: ['h2'] }, () => {
      resolve(socket.getPeerCertificate().serialNumber.toLowerCase());
      socket.destroy();
    });
    socket.once('error', reject);
  });
}

const A = '0123456789abcdef';
const B = 'fedcba9876543210';
const GRPC = { UNAVAILABLE: 14, UNAUTHENTICATED: 16, PERMISSION_DENIED: 7 };

describe('secure joining (Scheduler on 127.0.0.1:0)', () => {
  it('admits a node that joined with the token; refuses foreign, missing, mismatched, revoked and plain-text clients without writing anything', async () => {
    const { scheduler, logs } = await start();
    const address = scheduler.agentAddress;
    const token = scheduler.authority.joinToken();
    const good = await join(address, token, A);

    const ack = await connect(address, schedulerChannelCredentials(good), A);
    expect(ack).toMatchObject({ kind: 'registerAck', ack: { nodeId: A } });
    expect(scheduler.store.node(A)).toMatchObject({ state: 'ready', name: `name-${A}` });

    const refused = async (channel: ChannelCredentials, nodeId: string, code: number, why: RegExp | undefined): Promise<void> => {
      const outcome = await connect(address, channel, nodeId);
      expect(outcome, `${nodeId} ${why}`).toMatchObject({ code });
      if (why !== undefined) expect((outcome as { details: string }).details).toMatch(why);
      expect(scheduler.store.node(nodeId)).toBeUndefined();
    };
    // A certificate from another cluster's CA: TLS completes (client certs are optional on this
    // port) but the certificate does not verify, so there is no identity.
    const foreignCa = await createClusterCa();
    const foreign = await testCertificate(foreignCa, B, 'node');
    await refused(schedulerChannelCredentials({ caPem: good.caPem, certPem: foreign.certPem, keyPem: foreign.keyPem }), B, GRPC.UNAUTHENTICATED, /no node certificate/);
    // No client certificate at all.
    await refused(schedulerChannelCredentials({ caPem: good.caPem }), B, GRPC.UNAUTHENTICATED, /no node certificate/);
    // A's certificate registering as B.
    await refused(schedulerChannelCredentials(good), B, GRPC.PERMISSION_DENIED, /for node 0123456789abcdef/);
    // Plain text: the TLS port does not speak it (no status from the scheduler, the transport fails).
    await refused(credentials.createInsecure(), B, GRPC.UNAVAILABLE, undefined);

    // A removed node: its still-valid certificate no longer registers; its stored record stays as it was.
    const second = await join(address, token, B);
    scheduler.authority.revoke(B);
    await refused(schedulerChannelCredentials(second), B, GRPC.PERMISSION_DENIED, /was removed/);
    expect(scheduler.store.nodes().map((n) => n.id)).toEqual([A]);

    const refusals = logs.filter((l) => l.startsWith('refused agent stream from 127.0.0.1:'));
    expect(refusals).toHaveLength(4);
    expect(refusals[0]).toMatch(/^refused agent stream from 127\.0\.0\.1:\d+: no node certificate/);
    expect(logs.some((l) => l.startsWith(`node ${A} (name name-${A}) joined from 127.0.0.1:`))).toBe(true);
  });

  it('refuses a join with a wrong token and logs it; a revoked id cannot join again', async () => {
    const { scheduler, logs } = await start();
    const address = scheduler.agentAddress;
    const caPem = scheduler.authority.caPem;
    const client = new wire.ClusterClient(address, schedulerChannelCredentials({ caPem }));
    cleanups.push(() => client.close());
    const { csrPem } = await createKeyAndCsr(A, 'node');
    const wrong = `BERTH-1-${scheduler.authority.caFingerprint}-${'0'.repeat(32)}`;
    const bad = await unary<wire.JoinResponse>((done) => client.join({ token: wrong, csrPem, name: 'node-2' }, done));
    expect(bad.error?.code).toBe(GRPC.UNAUTHENTICATED);
    expect(logs).toContainEqual(expect.stringMatching(/^refused join from 127\.0\.0\.1:\d+ \(name node-2\): wrong join token/));
    scheduler.authority.revoke(A);
    const revoked = await unary<wire.JoinResponse>((done) => client.join({ token: scheduler.authority.joinToken(), csrPem, name: 'again' }, done));
    expect(revoked.error?.code).toBe(GRPC.PERMISSION_DENIED);
  });

  it("refuses a join that asks for a connected node's id, so a token holder cannot take over a live node", async () => {
    const { scheduler, logs } = await start();
    const address = scheduler.agentAddress;
    const token = scheduler.authority.joinToken();
    const owner = await join(address, token, A);
    expect(await connect(address, schedulerChannelCredentials(owner), A)).toMatchObject({ kind: 'registerAck' });
    const client = new wire.ClusterClient(address, schedulerChannelCredentials({ caPem: owner.caPem }));
    cleanups.push(() => client.close());
    const { csrPem } = await createKeyAndCsr(A, 'node');
    const taken = await unary<wire.JoinResponse>((done) => client.join({ token, csrPem, name: 'intruder' }, done));
    expect(taken.error?.code).toBe(GRPC.PERMISSION_DENIED);
    expect(taken.value).toBeUndefined();
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^refused join from 127\\.0\\.0\\.1:\\d+ \\(name intruder\\): node ${A} is in the cluster and ready`)));
  });

  it('renews a node certificate for its holder only', async () => {
    const { scheduler } = await start();
    const address = scheduler.agentAddress;
    const material = await join(address, scheduler.authority.joinToken(), A);
    const { csrPem } = await createKeyAndCsr(A, 'node');
    const holder = new wire.ClusterClient(address, schedulerChannelCredentials(material));
    const anonymous = new wire.ClusterClient(address, schedulerChannelCredentials({ caPem: material.caPem }));
    cleanups.push(() => holder.close(), () => anonymous.close());
    const renewed = await unary<wire.RenewResponse>((done) => holder.renew({ csrPem }, done));
    expect(renewed.value?.certificate?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect((await unary<wire.RenewResponse>((done) => anonymous.renew({ csrPem }, done))).error?.code).toBe(GRPC.UNAUTHENTICATED);
  });

  it('renews its own certificate in place: the same listener serves the new one', async () => {
    // 4 s certificates are renewed between 2 and 3.2 s into their life.
    const { scheduler, logs } = await start({ certificateValidityMs: 4_000 });
    const first = await servedSerial(scheduler.agentAddress);
    expect(first).toBe(readCertificate(scheduler.authority.schedulerCertificate.certificatePem).serialNumber);
    const deadline = Date.now() + 6_000;
    while (!logs.some((l) => l.includes("renewed the scheduler's TLS certificate")) && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 100));
    }
    const second = await servedSerial(scheduler.agentAddress);
    expect(second).not.toBe(first);
    expect(second).toBe(readCertificate(scheduler.authority.schedulerCertificate.certificatePem).serialNumber);
    // Still joinable through the renewed certificate.
    await join(scheduler.agentAddress, scheduler.authority.joinToken(), A);
  });

  it('serves the Control API on TCP to admin certificates only', async () => {
    const { scheduler, logs } = await start({ controlTcp: '127.0.0.1:0' });
    const tcp = scheduler.controlTcpAddress ?? '';
    expect(tcp).toMatch(/^127\.0\.0\.1:\d+$/);
    const caPem = scheduler.authority.caPem;
    const adminCsr = await createKeyAndCsr('alice', 'admin');
    const admin = { caPem, certPem: (await scheduler.authority.issueAdmin(adminCsr.csrPem)).certificatePem, keyPem: adminCsr.keyPem };
    const adminClient = connectControl(`tcp://${tcp}`, { tls: admin, callTimeoutMs: 5_000 });
    cleanups.push(() => adminClient.close());
    expect(await adminClient.listStacks()).toEqual([]);

    const node = await join(scheduler.agentAddress, scheduler.authority.joinToken(), A);
    const nodeClient = connectControl(`tcp://${tcp}`, { tls: node, callTimeoutMs: 5_000 });
    cleanups.push(() => nodeClient.close());
    await expect(nodeClient.listStacks()).rejects.toMatchObject({ code: 'PERMISSION_DENIED' });
    expect(logs).toContainEqual(expect.stringMatching(new RegExp(`^refused control call from 127\\.0\\.0\\.1:\\d+: .*${A} holds a node certificate`)));

    // Without a client certificate the handshake itself fails.
    const bare = new wire.ControlClient(tcp, schedulerChannelCredentials({ caPem }));
    cleanups.push(() => bare.close());
    const outcome = await unary<wire.ListStacksResponse>((done) => bare.listStacks({}, new Metadata(), { deadline: Date.now() + 5_000 }, done));
    expect(outcome.error?.code).toBe(GRPC.UNAVAILABLE);
    expect(outcome.value).toBeUndefined();
  });
});
