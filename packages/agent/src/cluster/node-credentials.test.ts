import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { createClusterCa, createKeyAndCsr, signCertificate } from '@berth/api/pki';
import { loadNodeCredentials, nodeCredentialPaths, saveNodeCredentials, type NodeCredentials } from './node-credentials.js';

/** A real node key and certificate under a fresh CA. */
async function material(nodeId = 'a1b2c3d4e5f60718'): Promise<NodeCredentials> {
  const ca = await createClusterCa();
  const { keyPem, csrPem } = await createKeyAndCsr(nodeId, 'node');
  const { certPem } = await signCertificate({ ca, csrPem, role: 'node' });
  return { caPem: ca.certPem, certPem, keyPem };
}

describe('node credentials on disk', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-node-tls-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('has none before the node joined', async () => {
    expect(await loadNodeCredentials(dataDir)).toBeUndefined();
  });

  it('saves the key 0600 in a 0700 directory and loads back exactly what was saved', async () => {
    const m = await material();
    await saveNodeCredentials(dataDir, m);
    const paths = nodeCredentialPaths(dataDir);
    expect((await stat(paths.key)).mode & 0o777).toBe(0o600);
    expect((await stat(paths.dir)).mode & 0o777).toBe(0o700);
    expect(await readFile(paths.key, 'utf8')).toBe(m.keyPem);
    expect(await loadNodeCredentials(dataDir)).toEqual(m);
    // No temp files, no journal left behind.
    expect((await readdir(paths.dir)).sort()).toEqual(['ca.crt', 'node.crt', 'node.key']);
  });

  it('replaces a previous set as a whole', async () => {
    const first = await material();
    const second = await material();
    await saveNodeCredentials(dataDir, first);
    await saveNodeCredentials(dataDir, second);
    expect(await loadNodeCredentials(dataDir)).toEqual(second);
    expect((await stat(nodeCredentialPaths(dataDir).key)).mode & 0o777).toBe(0o600);
  });

  it('rolls a save forward when a crash came after its commit marker', async () => {
    const old = await material();
    const next = await material();
    await saveNodeCredentials(dataDir, old);
    const paths = nodeCredentialPaths(dataDir);
    // The state a crash leaves after the marker and the first rename: new CA, old cert and key.
    await writeFile(`${paths.cert}.next`, next.certPem);
    await writeFile(`${paths.key}.next`, next.keyPem, { mode: 0o600 });
    await writeFile(paths.ca, next.caPem);
    await writeFile(join(paths.dir, 'commit'), '');
    expect(await loadNodeCredentials(dataDir)).toEqual(next);
    expect((await readdir(paths.dir)).sort()).toEqual(['ca.crt', 'node.crt', 'node.key']);
  });

  it('drops the half-written files of a save that never reached its commit marker', async () => {
    const old = await material();
    const next = await material();
    await saveNodeCredentials(dataDir, old);
    const paths = nodeCredentialPaths(dataDir);
    await writeFile(`${paths.cert}.next`, next.certPem);
    await writeFile(`${paths.key}.next`, next.keyPem.slice(0, 40));
    expect(await loadNodeCredentials(dataDir)).toEqual(old);
    expect((await readdir(paths.dir)).sort()).toEqual(['ca.crt', 'node.crt', 'node.key']);
  });

  it('refuses a key that does not belong to the certificate, naming the directory', async () => {
    const a = await material();
    const b = await material();
    await saveNodeCredentials(dataDir, { ...a, keyPem: b.keyPem });
    const error: unknown = await loadNodeCredentials(dataDir).catch((e: unknown) => e);
    expect(isBerthError(error, 'FILE_UNREADABLE')).toBe(true);
    expect((error as Error).message).toContain('node.key does not belong to node.crt');
    expect((error as Error).message).toContain(nodeCredentialPaths(dataDir).dir);
  });

  it('refuses an incomplete set, naming what is missing', async () => {
    await saveNodeCredentials(dataDir, await material());
    await rm(nodeCredentialPaths(dataDir).ca);
    const error: unknown = await loadNodeCredentials(dataDir).catch((e: unknown) => e);
    expect(isBerthError(error, 'FILE_UNREADABLE')).toBe(true);
    expect((error as Error).message).toContain(`${nodeCredentialPaths(dataDir).ca} missing`);
  });
});
