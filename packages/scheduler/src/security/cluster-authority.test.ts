import { existsSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { certificateFingerprint, createClusterCa, createKeyAndCsr, formatJoinToken, parseJoinToken, readCertificate } from '@berth/api/pki';
import { ClusterAuthority } from './cluster-authority.js';

const cleanups: Array<() => void> = [];
afterEach(() => {
  for (const cleanup of cleanups.splice(0).reverse()) cleanup();
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-authority-'));
  cleanups.push(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

async function open(options: Parameters<typeof ClusterAuthority.open>[0] = {}): Promise<ClusterAuthority> {
  const authority = await ClusterAuthority.open(options);
  cleanups.push(() => authority.close());
  return authority;
}

const mode = (file: string): number => statSync(file).mode & 0o777;
const NODE = '0123456789abcdef';

async function failure(promise: Promise<unknown>): Promise<{ code?: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (isBerthError(error)) return { code: error.code, message: error.message };
    return { message: String(error) };
  }
  throw new Error('expected a failure');
}

describe('ClusterAuthority.open', () => {
  it('creates the CA and join secret on first start, private, and loads the same ones afterwards', async () => {
    const dataDir = tempDir();
    const pki = path.join(dataDir, 'pki');
    const logs: string[] = [];
    const first = await open({ dataDir, log: (line) => logs.push(line) });
    expect(mode(pki)).toBe(0o700);
    expect(mode(path.join(pki, 'ca.key'))).toBe(0o600);
    expect(mode(path.join(pki, 'join-token'))).toBe(0o600);
    expect(readFileSync(path.join(pki, 'ca.crt'), 'utf8')).toBe(first.caPem);
    expect(first.caFingerprint).toBe(certificateFingerprint(first.caPem));
    expect(first.joinToken()).toMatch(/^BERTH-1-[0-9a-f]{64}-[0-9a-f]{32}$/);
    expect(parseJoinToken(first.joinToken()).caFingerprint).toBe(first.caFingerprint);
    expect(logs.join('\n')).toContain(`created the cluster CA (fingerprint ${first.caFingerprint})`);
    // No secret in any log line.
    expect(logs.join('\n')).not.toContain(parseJoinToken(first.joinToken()).secret);
    first.close();

    const second = await open({ dataDir, log: (line) => logs.push(line) });
    expect(second.caPem).toBe(first.caPem);
    expect(second.joinToken()).toBe(first.joinToken());
    expect(logs.at(-1)).toContain('loaded the cluster CA');
  });

  it('tightens a pki dir that was left readable by others', async () => {
    const dataDir = tempDir();
    await open({ dataDir });
    const pki = path.join(dataDir, 'pki');
    (await import('node:fs')).chmodSync(pki, 0o755);
    await open({ dataDir });
    expect(mode(pki)).toBe(0o700);
  });

  it('keeps everything in memory without a data dir', async () => {
    const a = await open();
    const b = await open();
    expect(a.caFingerprint).not.toBe(b.caFingerprint);
    expect(a.joinToken()).not.toBe(b.joinToken());
  });

  it('re-creates a CA whose first start was cut short (a key but no certificate)', async () => {
    const dataDir = tempDir();
    const first = await open({ dataDir });
    first.close();
    unlinkSync(path.join(dataDir, 'pki', 'ca.crt'));
    const second = await open({ dataDir });
    expect(second.caFingerprint).not.toBe(first.caFingerprint);
    expect(readFileSync(path.join(dataDir, 'pki', 'ca.crt'), 'utf8')).toBe(second.caPem);
  });

  it('refuses a CA certificate whose key is missing or does not match it', async () => {
    const dataDir = tempDir();
    (await open({ dataDir })).close();
    const keyFile = path.join(dataDir, 'pki', 'ca.key');
    writeFileSync(keyFile, (await createClusterCa()).keyPem);
    expect(await failure(ClusterAuthority.open({ dataDir }))).toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringContaining('does not match') });
    unlinkSync(keyFile);
    expect(await failure(ClusterAuthority.open({ dataDir }))).toMatchObject({ code: 'FILE_UNREADABLE', message: expect.stringContaining('missing') });
  });

  it('refuses a join-token file that holds no secret, without quoting it', async () => {
    const dataDir = tempDir();
    (await open({ dataDir })).close();
    writeFileSync(path.join(dataDir, 'pki', 'join-token'), 'not-a-secret-xyz\n');
    const error = await failure(ClusterAuthority.open({ dataDir }));
    expect(error).toMatchObject({ code: 'FILE_UNREADABLE' });
    expect(error.message).not.toContain('not-a-secret-xyz');
  });
});

describe('ClusterAuthority.join', () => {
  it('signs a node certificate for the node id in the CSR, valid for certificateValidityMs', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const authority = await open({ now: () => now, certificateValidityMs: 3_600_000 });
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const joined = await authority.join({ token: authority.joinToken(), csrPem, name: 'node-1' });
    expect(joined.nodeId).toBe(NODE);
    expect(joined.certificate.caCertificatePem).toBe(authority.caPem);
    const info = readCertificate(joined.certificate.certificatePem);
    expect(info).toMatchObject({ commonName: NODE, role: 'node' });
    expect(info.notAfter.getTime()).toBe(now + 3_600_000);
    expect(joined.certificate.notAfter.getTime()).toBe(now + 3_600_000);
  });

  it('defaults to 90-day node certificates', async () => {
    const now = Date.UTC(2026, 10, 23, 12, 0, 0);
    const authority = await open({ now: () => now });
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const joined = await authority.join({ token: authority.joinToken(), csrPem });
    expect(joined.certificate.notAfter.getTime()).toBe(now + 90 * 24 * 3_600_000);
  });

  it('refuses a malformed token, another cluster\'s token and a wrong secret as UNAUTHENTICATED, never echoing the secret', async () => {
    const authority = await open();
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const secret = parseJoinToken(authority.joinToken()).secret;
    const other = await open();
    const cases = [
      [`BERTH-1-${authority.caFingerprint}-${secret}x`, 'not a berth join token'],
      [`garbage ${secret}`, 'not a berth join token'],
      [formatJoinToken({ caFingerprint: other.caFingerprint, secret }), 'another cluster'],
      [formatJoinToken({ caFingerprint: authority.caFingerprint, secret: 'f'.repeat(32) }), 'wrong join token'],
    ] as const;
    for (const [token, why] of cases) {
      const error = await failure(authority.join({ token, csrPem }));
      expect(error, token).toMatchObject({ code: 'UNAUTHENTICATED', message: expect.stringContaining(why) });
      expect(error.message).not.toContain(secret);
      expect(error.message).not.toContain('f'.repeat(32));
    }
  });

  it('stops accepting the old token once rotated, and persists the new one', async () => {
    const dataDir = tempDir();
    const authority = await open({ dataDir });
    const old = authority.joinToken();
    const rotated = authority.rotateJoinToken();
    expect(rotated).not.toBe(old);
    expect(authority.joinToken()).toBe(rotated);
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    expect(await failure(authority.join({ token: old, csrPem }))).toMatchObject({ code: 'UNAUTHENTICATED' });
    await expect(authority.join({ token: rotated, csrPem })).resolves.toMatchObject({ nodeId: NODE });
    authority.close();
    expect((await open({ dataDir })).joinToken()).toBe(rotated);
  });

  it('refuses a revoked node id as PERMISSION_DENIED, also after a restart', async () => {
    const dataDir = tempDir();
    const authority = await open({ dataDir });
    authority.revoke(NODE);
    authority.revoke(NODE); // idempotent
    expect(authority.isRevoked(NODE)).toBe(true);
    expect(JSON.parse(readFileSync(path.join(dataDir, 'pki', 'revoked.json'), 'utf8'))).toEqual({ nodeIds: [NODE] });
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    expect(await failure(authority.join({ token: authority.joinToken(), csrPem }))).toMatchObject({ code: 'PERMISSION_DENIED' });
    authority.close();
    const again = await open({ dataDir });
    expect(again.isRevoked(NODE)).toBe(true);
    expect(again.isRevoked('fedcba9876543210')).toBe(false);
    expect(await failure(again.join({ token: again.joinToken(), csrPem }))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('refuses a CSR that is not one, or whose common name is not a node id, as USAGE', async () => {
    const authority = await open();
    const token = authority.joinToken();
    expect(await failure(authority.join({ token, csrPem: 'not a csr' }))).toMatchObject({ code: 'USAGE' });
    for (const name of ['node-1', '0123456789ABCDEF', '0123456789abcde']) {
      const { csrPem } = await createKeyAndCsr(name, 'node');
      expect(await failure(authority.join({ token, csrPem })), name).toMatchObject({ code: 'USAGE', message: expect.stringContaining('node id') });
    }
  });

  it("refuses a join for a live node's id (no second holder of its identity), but lets a down node's id join again", async () => {
    const live = new Set([NODE]);
    const authority = await open({ isNodeLive: (id) => live.has(id) });
    const token = authority.joinToken();
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    expect(await failure(authority.join({ token, csrPem }))).toMatchObject({ code: 'PERMISSION_DENIED', message: expect.stringContaining(`node ${NODE} is in the cluster and ready`) });
    // Another id is a new node: admitted.
    const other = await createKeyAndCsr('fedcba9876543210', 'node');
    expect((await authority.join({ token, csrPem: other.csrPem })).nodeId).toBe('fedcba9876543210');
    // Once the node is down (an agent re-joining after its certificate expired), the id may join.
    live.delete(NODE);
    expect((await authority.join({ token, csrPem })).nodeId).toBe(NODE);
  });

  it('checks the token before looking at the CSR', async () => {
    const authority = await open();
    expect(await failure(authority.join({ token: 'BERTH-1-x', csrPem: 'not a csr' }))).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});

describe('ClusterAuthority.renew and issueAdmin', () => {
  it('renews for the same node id only, and not once revoked', async () => {
    const authority = await open({ certificateValidityMs: 60_000 });
    const { csrPem } = await createKeyAndCsr(NODE, 'node');
    const renewed = await authority.renew(NODE, csrPem);
    expect(readCertificate(renewed.certificatePem)).toMatchObject({ commonName: NODE, role: 'node' });
    expect(await failure(authority.renew('fedcba9876543210', csrPem))).toMatchObject({ code: 'USAGE' });
    authority.revoke(NODE);
    expect(await failure(authority.renew(NODE, csrPem))).toMatchObject({ code: 'PERMISSION_DENIED' });
  });

  it('issues admin certificates with their own validity', async () => {
    const now = Date.UTC(2026, 0, 1);
    const authority = await open({ now: () => now });
    const { csrPem } = await createKeyAndCsr('alice', 'admin');
    const issued = await authority.issueAdmin(csrPem, 86_400_000);
    expect(readCertificate(issued.certificatePem)).toMatchObject({ commonName: 'alice', role: 'admin' });
    expect(issued.notAfter.getTime()).toBe(now + 86_400_000);
  });
});

describe('the scheduler certificate', () => {
  it('is issued for berth-scheduler with the listen IP, and renewed in place before it expires', async () => {
    const logs: string[] = [];
    // 4 s certificates: renewed between 2 and 3.2 s; random() = 0 picks 2 s.
    const authority = await open({ certificateValidityMs: 4_000, serverHosts: ['127.0.0.5', '0.0.0.0'], random: () => 0, log: (l) => logs.push(l) });
    const cert = authority.schedulerCertificate;
    const first = new (await import('node:crypto')).X509Certificate(cert.certificatePem);
    expect(readCertificate(cert.certificatePem)).toMatchObject({ commonName: 'berth-scheduler', role: 'scheduler' });
    expect(first.subjectAltName).toContain('IP Address:127.0.0.5');
    expect(first.subjectAltName).toContain('IP Address:127.0.0.1');
    expect(first.subjectAltName).toContain('DNS:berth-scheduler');
    const credentials = authority.agentServerCredentials();
    expect(authority.agentServerCredentials()).toBe(credentials);
    const before = cert.notAfter.getTime();
    const deadline = Date.now() + 8_000;
    while (cert.notAfter.getTime() === before && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
    expect(cert.notAfter.getTime()).toBeGreaterThan(before);
    expect(logs.some((l) => l.includes("renewed the scheduler's TLS certificate"))).toBe(true);
    // The credentials given out now carry the new certificate.
    const served = (credentials as unknown as { _getSecureContextOptions(): { cert: Buffer[] } })._getSecureContextOptions();
    expect(served.cert[0]?.toString()).toContain(cert.certificatePem.trim());
    expect(served.cert[0]?.toString()).toContain(authority.caPem.trim());
  });

  it('leaves no file but the CA, the secret and the revocations in the pki dir', async () => {
    const dataDir = tempDir();
    const authority = await open({ dataDir });
    authority.revoke(NODE);
    const { readdirSync } = await import('node:fs');
    expect(readdirSync(path.join(dataDir, 'pki')).sort()).toEqual(['ca.crt', 'ca.key', 'join-token', 'revoked.json']);
    expect(existsSync(path.join(dataDir, 'pki', 'scheduler.key'))).toBe(false);
  });
});
