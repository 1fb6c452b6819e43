// A real grpc-js server on 127.0.0.1:0 with berth's agent-port and control-port credentials: who
// gets through, who is seen as whom, and what a client is told when the server is not ours.
import { createServer, type Server as NetServer, type Socket } from 'node:net';
import {
  credentials,
  Metadata,
  Server,
  ServerCredentials,
  type ChannelCredentials,
  type ServiceError,
} from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { wire } from '../index.js';
import {
  agentPortCredentials,
  certificateFingerprint,
  controlPortCredentials,
  createClusterCa,
  createKeyAndCsr,
  explainTlsFailure,
  fetchCaCertificate,
  peerIdentity,
  SCHEDULER_CHANNEL_OPTIONS,
  schedulerChannelCredentials,
  signCertificate,
  type CaMaterial,
  type CertificateRole,
  type TlsMaterial,
} from './index.js';

interface Holder {
  caPem: string;
  certPem: string;
  keyPem: string;
}

async function issue(ca: CaMaterial, name: string, role: CertificateRole): Promise<Holder> {
  const { keyPem, csrPem } = await createKeyAndCsr(name, role);
  const { certPem } = await signCertificate({ ca, csrPem, role, ipAddresses: ['127.0.0.1'] });
  return { caPem: ca.certPem, certPem, keyPem };
}

let ca: CaMaterial;
let otherCa: CaMaterial;
let scheduler: TlsMaterial;
let node: Holder;
let foreignNode: Holder;
let expiredNode: Holder;
let server: Server;
let plainServer: Server;
let silent: NetServer;
const silentSockets: Socket[] = [];
const ports = { agent: 0, control: 0, impostor: 0, plain: 0, silent: 0 };
const warnings: Error[] = [];
const onWarning = (warning: Error): void => {
  warnings.push(warning);
};

/** Echoes the caller's identity as node_id: `cn|role|fingerprint`, or '' without one. */
const echoIdentity: wire.ClusterServer = {
  join: (call, callback) => {
    const id = peerIdentity(call);
    callback(null, { nodeId: id === undefined ? '' : `${id.commonName}|${id.role ?? '-'}|${id.fingerprint}` });
  },
  renew: (_call, callback) => callback(null, {}),
};

function bind(target: Server, creds: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    target.bindAsync('127.0.0.1:0', creds, (error, port) => (error ? reject(error) : resolve(port)));
  });
}

/** Join over `creds` against `port`: the echoed node id, or the error. */
function join(port: number, creds: ChannelCredentials): Promise<{ nodeId?: string; error?: ServiceError }> {
  const client = new wire.ClusterClient(`127.0.0.1:${port}`, creds, SCHEDULER_CHANNEL_OPTIONS);
  return new Promise((resolve) => {
    client.join({ token: '', csrPem: '', name: '' }, new Metadata(), { deadline: Date.now() + 3_000 }, (error, response) => {
      client.close();
      resolve(error ? { error } : { nodeId: response.nodeId });
    });
  });
}

beforeAll(async () => {
  process.on('warning', onWarning);
  [ca, otherCa] = await Promise.all([createClusterCa(), createClusterCa()]);
  let schedulerCert: Holder;
  let impostor: Holder;
  [schedulerCert, node, foreignNode, impostor] = await Promise.all([
    issue(ca, 'berth-scheduler', 'scheduler'),
    issue(ca, '0123456789abcdef', 'node'),
    issue(otherCa, '0123456789abcdef', 'node'),
    issue(ca, 'fedcba9876543210', 'node'),
  ]);
  scheduler = schedulerCert;
  const expired = await createKeyAndCsr('0123456789abcdef', 'node');
  const issuedYesterday = await signCertificate({
    ca,
    csrPem: expired.csrPem,
    role: 'node',
    now: new Date(Date.now() - 86_400_000),
    validityMs: 3_600_000,
  });
  expiredNode = { caPem: ca.certPem, certPem: issuedYesterday.certPem, keyPem: expired.keyPem };
  server = new Server();
  server.addService(wire.ClusterService, echoIdentity);
  ports.agent = await bind(server, agentPortCredentials(scheduler));
  ports.control = await bind(server, controlPortCredentials(scheduler));
  // A server of our cluster that is not the scheduler: it holds a node certificate.
  ports.impostor = await bind(server, agentPortCredentials(impostor));
  plainServer = new Server();
  plainServer.addService(wire.ClusterService, echoIdentity);
  ports.plain = await bind(plainServer, ServerCredentials.createInsecure());
  // Accepts TCP and never answers, to time out a handshake.
  silent = createServer((socket) => silentSockets.push(socket));
  await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
  ports.silent = (silent.address() as { port: number }).port;
});

afterAll(async () => {
  process.off('warning', onWarning);
  server?.forceShutdown();
  plainServer?.forceShutdown();
  for (const socket of silentSockets) socket.destroy();
  await new Promise((resolve) => silent?.close(resolve));
});

const withCert = (holder: Holder, caPem = holder.caPem) =>
  schedulerChannelCredentials({ caPem, certPem: holder.certPem, keyPem: holder.keyPem });

describe('agent port (client certificate optional)', () => {
  it('sees a node certificate of our CA as that node', async () => {
    const result = await join(ports.agent, withCert(node));
    expect(result).toEqual({ nodeId: `0123456789abcdef|node|${certificateFingerprint(node.certPem)}` });
  });

  it('lets a client without a certificate in, with no identity (Join)', async () => {
    expect(await join(ports.agent, schedulerChannelCredentials({ caPem: ca.certPem }))).toEqual({ nodeId: '' });
  });

  it('lets a certificate of another CA through the handshake but gives it no identity', async () => {
    // The client trusts our CA (so it reaches the server) but presents the other cluster's cert.
    expect(await join(ports.agent, withCert(foreignNode, ca.certPem))).toEqual({ nodeId: '' });
  });

  it('gives an expired certificate of our CA no identity', async () => {
    expect(await join(ports.agent, withCert(expiredNode))).toEqual({ nodeId: '' });
  });

  it('refuses a plaintext client', async () => {
    const { error } = await join(ports.agent, credentials.createInsecure());
    expect(error?.code).toBe(14); // UNAVAILABLE
  });
});

describe('control port (client certificate required)', () => {
  it('admits a certificate of our CA', async () => {
    const result = await join(ports.control, withCert(node));
    expect(result.nodeId).toMatch(/^0123456789abcdef\|node\|[0-9a-f]{64}$/);
  });

  it('refuses a certificate of another CA at the handshake', async () => {
    const { error } = await join(ports.control, withCert(foreignNode, ca.certPem));
    expect(error?.code).toBe(14);
  });

  it('refuses a client without a certificate', async () => {
    const { error } = await join(ports.control, schedulerChannelCredentials({ caPem: ca.certPem }));
    expect(error?.code).toBe(14);
  });
});

describe('schedulerChannelCredentials', () => {
  it('cannot connect to a scheduler of another CA, and says so', async () => {
    const { error } = await join(ports.agent, withCert(foreignNode));
    expect(error?.code).toBe(14);
    expect(error?.details).toMatch(/self[- ]signed certificate in certificate chain/);
    expect(explainTlsFailure(error?.details ?? '')).toBe(
      'the server’s certificate is not from this cluster’s CA (another cluster, or a stale ca.crt)',
    );
  });

  it('refuses a server of our cluster whose certificate is not the scheduler’s', async () => {
    const { error } = await join(ports.impostor, withCert(node));
    expect(error?.code).toBe(14);
    expect(error?.details).toContain(
      'the server presents a certificate of this cluster for a node ("fedcba9876543210"), not the scheduler\'s',
    );
  });

  it('sends a host name, not an IP address, as SNI (no DEP0123 warning)', () => {
    expect(warnings.filter((w) => /DEP0123|ServerName/.test(`${(w as { code?: string }).code} ${w.message}`))).toEqual([]);
  });

  it('refuses a certificate without its key', () => {
    expect(() => schedulerChannelCredentials({ caPem: ca.certPem, certPem: node.certPem })).toThrow(
      expect.objectContaining({ code: 'USAGE' }),
    );
  });
});

describe('server credentials', () => {
  it('refuses a key that does not belong to the certificate', () => {
    expect(() => agentPortCredentials({ ...scheduler, keyPem: node.keyPem })).toThrow(
      expect.objectContaining({ code: 'USAGE', message: expect.stringContaining('invalid TLS server material') }),
    );
  });

  it('are equal only for the same material and port kind', () => {
    expect(agentPortCredentials(scheduler)._equals(agentPortCredentials({ ...scheduler }))).toBe(true);
    expect(agentPortCredentials(scheduler)._equals(controlPortCredentials(scheduler))).toBe(false);
    expect(agentPortCredentials(scheduler)._equals(agentPortCredentials({ ...scheduler, caPem: otherCa.certPem }))).toBe(false);
  });
});

describe('fetchCaCertificate', () => {
  it('returns the CA at the root of the scheduler’s chain', async () => {
    const pem = await fetchCaCertificate(`127.0.0.1:${ports.agent}`);
    expect(certificateFingerprint(pem)).toBe(certificateFingerprint(ca.certPem));
    expect(pem).toBe(ca.certPem);
  });

  it('says a plaintext server does not speak TLS', async () => {
    await expect(fetchCaCertificate(`127.0.0.1:${ports.plain}`)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: expect.stringMatching(new RegExp(`^the scheduler at 127\\.0\\.0\\.1:${ports.plain} does not speak TLS`)),
    });
  });

  it('times out on a server that never answers', async () => {
    const started = Date.now();
    await expect(fetchCaCertificate(`127.0.0.1:${ports.silent}`, { timeoutMs: 200 })).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `no TLS handshake with the scheduler at 127.0.0.1:${ports.silent} within 200 ms`,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('says when nothing listens, and refuses a malformed address', async () => {
    const closed = createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as { port: number }).port;
    await new Promise((resolve) => closed.close(resolve));
    await expect(fetchCaCertificate(`127.0.0.1:${port}`)).rejects.toMatchObject({
      code: 'UNAVAILABLE',
      message: `cannot reach the scheduler at 127.0.0.1:${port}: connection refused`,
    });
    await expect(fetchCaCertificate('127.0.0.1')).rejects.toMatchObject({ code: 'USAGE' });
  });
});
