import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { certificateFingerprint, createClusterCa, formatJoinToken, newTokenSecret, readCertificate } from '@berth/api/pki';
import { readNodeIdentity } from '../identity/node-identity.js';
import { TestScheduler } from '../link/test-scheduler.js';
import { joinCluster } from './join.js';
import { loadNodeCredentials, nodeCredentialPaths } from './node-credentials.js';
import { enrolNode, NOT_JOINED_MESSAGE } from './node-enrolment.js';
import { TestClusterServer } from './test-cluster-server.js';

const NODE_ID = '0123456789abcdef';

async function failure(promise: Promise<unknown>): Promise<Error> {
  const outcome: unknown = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(outcome instanceof Error)) throw new Error('expected a rejection');
  return outcome;
}

describe('joining a cluster', () => {
  let server: TestClusterServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await TestClusterServer.start({ revoked: ['deadbeefdeadbeef'] });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-join-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('with the right token: gets a node certificate for its id, under the pinned CA, and saves it', async () => {
    const result = await joinCluster({ address: server.address, token: server.token, nodeId: NODE_ID, name: 'n1', dataDir });
    const cert = readCertificate(result.credentials.certPem);
    expect(cert.commonName).toBe(NODE_ID);
    expect(cert.role).toBe('node');
    expect(result.notAfter).toEqual(cert.notAfter);
    expect(certificateFingerprint(result.credentials.caPem)).toBe(certificateFingerprint(server.ca.certPem));
    expect(await loadNodeCredentials(dataDir)).toEqual(result.credentials);
    expect(server.joins).toContain(NODE_ID);
  });

  it('refuses a scheduler whose CA is not the one the token pins, before sending the token', async () => {
    const otherCa = await createClusterCa();
    const pinned = certificateFingerprint(otherCa.certPem);
    const token = formatJoinToken({ caFingerprint: pinned, secret: server.secret });
    const joinsBefore = server.joins.length;
    const error = await failure(joinCluster({ address: server.address, token, nodeId: NODE_ID, name: 'n1', dataDir }));
    expect(isBerthError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(error.message).toBe(
      `the scheduler at ${server.address} presents CA sha256:${certificateFingerprint(server.ca.certPem)} ` +
        `but the join token pins sha256:${pinned}; wrong token or wrong scheduler`,
    );
    expect(server.joins.length).toBe(joinsBefore);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('turns a refused secret into UNAUTHENTICATED and writes nothing', async () => {
    const token = formatJoinToken({ caFingerprint: certificateFingerprint(server.ca.certPem), secret: newTokenSecret() });
    const error = await failure(joinCluster({ address: server.address, token, nodeId: NODE_ID, name: 'n1', dataDir }));
    expect(isBerthError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(error.message).toBe(`the scheduler at ${server.address} refused the join token: wrong join token`);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('turns a removed node into PERMISSION_DENIED and writes nothing', async () => {
    const error = await failure(joinCluster({ address: server.address, token: server.token, nodeId: 'deadbeefdeadbeef', name: 'n1', dataDir }));
    expect(isBerthError(error, 'PERMISSION_DENIED')).toBe(true);
    expect(error.message).toBe(`the scheduler at ${server.address} refuses node deadbeefdeadbeef: node deadbeefdeadbeef was removed from the cluster`);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('says so when the scheduler does not speak TLS', async () => {
    const plain = await TestScheduler.start();
    try {
      const error = await failure(joinCluster({ address: plain.address, token: server.token, nodeId: NODE_ID, name: 'n1', dataDir, timeoutMs: 3_000 }));
      expect(isBerthError(error, 'UNAVAILABLE')).toBe(true);
      expect(error.message).toContain(`the scheduler at ${plain.address} does not speak TLS`);
      expect(await readdir(dataDir)).toEqual([]);
    } finally {
      await plain.close();
    }
  });

  it('refuses something that is not a join token without dialling', async () => {
    const error = await failure(joinCluster({ address: server.address, token: 'hello', nodeId: NODE_ID, name: 'n1', dataDir }));
    expect(isBerthError(error, 'UNAUTHENTICATED')).toBe(true);
    expect(error.message).toMatch(/^not a berth join token/);
  });

  describe('enrolNode', () => {
    const base = (): { dataDir: string; scheduler: string; name: string; address: string } => ({
      dataDir,
      scheduler: server.address,
      name: 'n1',
      address: '127.0.0.1',
    });

    it('without a certificate and without a token: USAGE, and nothing written', async () => {
      const error = await failure(enrolNode(base()));
      expect(isBerthError(error, 'USAGE')).toBe(true);
      expect(error.message).toBe(NOT_JOINED_MESSAGE);
      expect(await readdir(dataDir)).toEqual([]);
    });

    it('a wrong token leaves a fresh data dir empty, node.json included', async () => {
      const token = formatJoinToken({ caFingerprint: certificateFingerprint(server.ca.certPem), secret: newTokenSecret() });
      await failure(enrolNode({ ...base(), token }));
      expect(await readdir(dataDir)).toEqual([]);
    });

    it('joins once, writes node.json with the certified id, and later starts need no token', async () => {
      const first = await enrolNode({ ...base(), token: server.token });
      expect(first.joined).toBe(true);
      expect(readCertificate(first.credentials.certPem).commonName).toBe(first.identity.id);
      expect(await readNodeIdentity(dataDir)).toEqual(first.identity);
      const joins = server.joins.length;
      const again = await enrolNode(base());
      expect(again).toEqual({ ...first, joined: false });
      expect(server.joins.length).toBe(joins);
    });

    it('keeps the id of an existing node.json when it joins', async () => {
      const first = await enrolNode({ ...base(), token: server.token });
      await rm(nodeCredentialPaths(dataDir).dir, { recursive: true });
      const second = await enrolNode({ ...base(), token: server.token });
      expect(second.identity.id).toBe(first.identity.id);
      expect(second.credentials.certPem).not.toBe(first.credentials.certPem);
    });

    it('an expired certificate needs the token again, and then re-joins as the same node', async () => {
      const first = await enrolNode({ ...base(), token: server.token });
      const later = readCertificate(first.credentials.certPem).notAfter.getTime() + 1;
      const error = await failure(enrolNode({ ...base(), now: () => later }));
      expect(isBerthError(error, 'UNAUTHENTICATED')).toBe(true);
      expect(error.message).toContain('expired at');
      expect(error.message).toContain('pass --token to join again');
      const rejoined = await enrolNode({ ...base(), token: server.token, now: () => later });
      expect(rejoined.joined).toBe(true);
      expect(rejoined.identity.id).toBe(first.identity.id);
      expect(existsSync(join(dataDir, 'node.json'))).toBe(true);
    });
  });
});
