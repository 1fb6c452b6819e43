// The client over TCP: mutual TLS with the cluster CA against a real Control server on
// 127.0.0.1:0; what it says when the server is not this cluster's scheduler.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import {
  controlPortCredentials,
  createClusterCa,
  createKeyAndCsr,
  signCertificate,
  type CaMaterial,
  type CertificateRole,
  type TlsMaterial,
} from '@berth/api/pki';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode } from '../store/store.fixture.js';
import { ControlApi } from './control-api.js';
import { connectControl, type ControlConnection } from './control-client.js';
import { noCleanup, noLogs } from './control.fixture.js';
import { serveControl, type ControlServerHandle } from './serve-control.js';

async function issue(ca: CaMaterial, name: string, role: CertificateRole): Promise<TlsMaterial> {
  const { keyPem, csrPem } = await createKeyAndCsr(name, role);
  const { certPem } = await signCertificate({ ca, csrPem, role, ipAddresses: ['127.0.0.1'] });
  return { caPem: ca.certPem, certPem, keyPem };
}

let ca: CaMaterial;
let admin: TlsMaterial;
let foreignAdmin: TlsMaterial;
const store = new MemoryStateStore({ now: () => 1_000 });
const servers: ControlServerHandle[] = [];
const clients: ControlConnection[] = [];

beforeAll(async () => {
  ca = await createClusterCa();
  admin = await issue(ca, 'ops', 'admin');
  foreignAdmin = await issue(await createClusterCa(), 'ops', 'admin');
  store.putNode({ ...sampleNode('n1'), name: 'alpha' });
});
afterEach(async () => {
  for (const c of clients.splice(0)) c.close();
  await Promise.all(servers.splice(0).map((s) => s.close()));
});
afterAll(() => store.close());

/** A Control server on 127.0.0.1:0 presenting a certificate of `role` from the cluster CA. */
async function serve(role: CertificateRole): Promise<string> {
  const api = new ControlApi({ store, requestLogs: noLogs, cleanupStack: noCleanup });
  const server = await serveControl({ api, tcp: '127.0.0.1:0', tcpCredentials: controlPortCredentials(await issue(ca, 'sched', role)), closeGraceMs: 200 });
  servers.push(server);
  return `tcp://${server.tcpAddress}`;
}

function connect(host: string, tls: TlsMaterial): ControlConnection {
  const client = connectControl(host, { tls, callTimeoutMs: 5_000 });
  clients.push(client);
  return client;
}

describe('connectControl over TCP', () => {
  it('talks mutual TLS to the cluster scheduler with an admin certificate', async () => {
    const host = await serve('scheduler');
    expect((await connect(host, admin).listNodes()).map((n) => n.name)).toEqual(['alpha']);
  });

  it('refuses a server whose certificate is of the cluster but not a scheduler', async () => {
    const host = await serve('node');
    await expect(connect(host, admin).listNodes()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringContaining("the server holds a certificate of this cluster, but not the scheduler's"),
    });
  });

  it('refuses a scheduler of another cluster, in words', async () => {
    const host = await serve('scheduler');
    await expect(connect(host, foreignAdmin).listNodes()).rejects.toMatchObject({
      code: 'UNAUTHENTICATED',
      message: expect.stringMatching(/^cannot talk to the berth scheduler at tcp:\/\/127\.0\.0\.1:\d+: the server’s certificate is not from this cluster’s CA/),
    });
  });
});
