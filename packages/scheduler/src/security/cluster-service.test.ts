// The Cluster service's handlers with a real authority and hand-made calls: statuses, log lines, secrecy.
import { status, type sendUnaryData, type ServerUnaryCall, type ServiceError } from '@grpc/grpc-js';
import { afterEach, describe, expect, it } from 'vitest';
import type { wire } from '@berth/api';
import { createKeyAndCsr, formatJoinToken, parseJoinToken, type PeerIdentity } from '@berth/api/pki';
import { ERROR_CODE_KEY } from '../control/grpc-errors.js';
import { ClusterAuthority } from './cluster-authority.js';
import { clusterService, loggableName } from './cluster-service.js';

const NODE = '0123456789abcdef';
const authorities: ClusterAuthority[] = [];
afterEach(() => {
  for (const a of authorities.splice(0)) a.close();
});

async function setup(identity?: PeerIdentity): Promise<{ authority: ClusterAuthority; logs: string[]; service: wire.ClusterServer }> {
  const authority = await ClusterAuthority.open({ certificateValidityMs: 60_000 });
  authorities.push(authority);
  const logs: string[] = [];
  const service = clusterService({ authority, log: (l) => logs.push(l), identify: () => identity });
  return { authority, logs, service };
}

type Outcome<T> = { error: ServiceError | null; value: T | undefined };

function call<Req, Res>(handler: (call: ServerUnaryCall<Req, Res>, cb: sendUnaryData<Res>) => void, request: Req): Promise<Outcome<Res>> {
  return new Promise((resolve) => {
    const fake = { request, getPeer: () => '127.0.0.1:40000' } as unknown as ServerUnaryCall<Req, Res>;
    handler(fake, (error, value) => resolve({ error: error as ServiceError | null, value: value ?? undefined }));
  });
}

describe('Cluster.Join', () => {
  it('answers a node certificate and logs the join', async () => {
    const { authority, logs, service } = await setup();
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const { error, value } = await call(service.join, { token: authority.joinToken(), csrPem, name: 'node-1' });
    expect(error).toBeNull();
    expect(value?.nodeId).toBe(NODE);
    expect(value?.certificate?.caCertificatePem).toBe(authority.caPem);
    expect(value?.certificate?.notAfter).toBeInstanceOf(Date);
    expect(logs).toEqual([expect.stringMatching(new RegExp(`^node ${NODE} \\(name node-1\\) joined from 127\\.0\\.0\\.1:40000`))]);
  });

  it('refuses a wrong token with UNAUTHENTICATED and one clear log line, neither holding the secret', async () => {
    const { authority, logs, service } = await setup();
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const secret = 'a'.repeat(32);
    const token = formatJoinToken({ caFingerprint: authority.caFingerprint, secret });
    const { error } = await call(service.join, { token, csrPem, name: 'node-2' });
    expect(error?.code).toBe(status.UNAUTHENTICATED);
    expect(error?.metadata?.get(ERROR_CODE_KEY)).toEqual(['UNAUTHENTICATED']);
    expect(logs).toEqual([expect.stringMatching(/^refused join from 127\.0\.0\.1:40000 \(name node-2\): wrong join token/)]);
    for (const text of [error?.details ?? '', logs[0] ?? '']) {
      expect(text).not.toContain(secret);
      expect(text).not.toContain(parseJoinToken(authority.joinToken()).secret);
    }
  });

  it('refuses a revoked node with PERMISSION_DENIED and a bad CSR with INVALID_ARGUMENT', async () => {
    const { authority, logs, service } = await setup();
    authority.revoke(NODE);
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    expect((await call(service.join, { token: authority.joinToken(), csrPem, name: 'n' })).error?.code).toBe(status.PERMISSION_DENIED);
    expect((await call(service.join, { token: authority.joinToken(), csrPem: 'junk', name: 'n' })).error?.code).toBe(status.INVALID_ARGUMENT);
    expect(logs).toHaveLength(2);
    expect(logs[0]).toContain('was removed from the cluster');
  });
});

describe('Cluster.Renew', () => {
  const node: PeerIdentity = { commonName: NODE, role: 'node', fingerprint: 'f'.repeat(64) };

  it('renews for the node named by the caller certificate', async () => {
    const { service, logs } = await setup(node);
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const { error, value } = await call(service.renew, { csrPem });
    expect(error).toBeNull();
    expect(value?.certificate?.certificatePem).toContain('BEGIN CERTIFICATE');
    expect(logs[0]).toMatch(/^renewed the certificate of node 0123456789abcdef/);
  });

  it('refuses a CSR for another node id', async () => {
    const { service } = await setup(node);
    const { csrPem } = await createKeyAndCsr('fedcba9876543210', 'node');
    expect((await call(service.renew, { csrPem })).error?.code).toBe(status.INVALID_ARGUMENT);
  });

  it('refuses without a certificate, with a non-node certificate, and for a revoked node', async () => {
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const anonymous = await setup(undefined);
    expect((await call(anonymous.service.renew, { csrPem })).error?.code).toBe(status.UNAUTHENTICATED);
    expect(anonymous.logs[0]).toMatch(/^refused renewal from 127\.0\.0\.1:40000: /);
    const admin = await setup({ ...node, role: 'admin' });
    expect((await call(admin.service.renew, { csrPem })).error?.code).toBe(status.PERMISSION_DENIED);
    const revoked = await setup(node);
    revoked.authority.revoke(NODE);
    expect((await call(revoked.service.renew, { csrPem })).error?.code).toBe(status.PERMISSION_DENIED);
  });
});

describe('loggableName', () => {
  it.each([
    ['node-1', 'node-1'],
    ['', '(none)'],
    ['evil\nrefused join from x', 'evil?refused join from x'],
    ['x'.repeat(100), `${'x'.repeat(64)}…`],
  ])('%j → %j', (name, logged) => {
    expect(loggableName(name)).toBe(logged);
  });
});
