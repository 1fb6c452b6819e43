import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { isBerthError } from '@berth/api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  loadOrCreateNodeIdentity,
  newNodeId,
  nodeIdentityPath,
  parseNodeIdentity,
  persistAssignedNodeId,
  readNodeIdentity,
} from './node-identity.js';

describe('node identity', () => {
  let root = '';
  let dataDir = '';

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'berth-identity-'));
    // A directory that does not exist yet: the first start creates it.
    dataDir = join(root, 'data', 'agent');
  });

  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('makes 16 hex characters from 8 random bytes', () => {
    expect(newNodeId(() => Uint8Array.from([0, 1, 2, 0xab, 0xcd, 0xef, 0x10, 0xff]))).toBe(
      '000102abcdef10ff',
    );
    expect(newNodeId()).toMatch(/^[0-9a-f]{16}$/);
  });

  it('creates the identity on first start and writes node.json', async () => {
    const identity = await loadOrCreateNodeIdentity({
      dataDir,
      name: 'alpha',
      address: '10.0.0.5',
      newId: () => 'n-first',
    });
    expect(identity).toEqual({ id: 'n-first', name: 'alpha', address: '10.0.0.5' });
    const stored = JSON.parse(await readFile(nodeIdentityPath(dataDir), 'utf8')) as unknown;
    expect(stored).toEqual({ version: 1, id: 'n-first', name: 'alpha', address: '10.0.0.5' });
    // Only the file itself: the temp file was renamed, not left behind.
    expect(await readdir(dataDir)).toEqual(['node.json']);
  });

  it('reuses the stored identity on later starts, keeping the first name and address', async () => {
    await loadOrCreateNodeIdentity({ dataDir, name: 'alpha', address: '10.0.0.5', newId: () => 'n-1' });
    const again = await loadOrCreateNodeIdentity({
      dataDir,
      name: 'renamed',
      address: '10.0.0.9',
      newId: () => 'n-2',
    });
    expect(again).toEqual({ id: 'n-1', name: 'alpha', address: '10.0.0.5' });
  });

  it('persists the id the scheduler assigns, and later starts use it', async () => {
    const identity = await loadOrCreateNodeIdentity({
      dataDir,
      name: 'alpha',
      address: '10.0.0.5',
      newId: () => 'local-id',
    });
    const updated = await persistAssignedNodeId(dataDir, identity, 'sched-7');
    expect(updated).toEqual({ id: 'sched-7', name: 'alpha', address: '10.0.0.5' });
    expect(await readNodeIdentity(dataDir)).toEqual(updated);
    expect(
      await loadOrCreateNodeIdentity({ dataDir, name: 'x', address: 'y', newId: () => 'other' }),
    ).toEqual(updated);
  });

  it('does not rewrite the file when the scheduler confirms the id or sends none', async () => {
    const identity = await loadOrCreateNodeIdentity({
      dataDir,
      name: 'alpha',
      address: '10.0.0.5',
      newId: () => 'n-1',
    });
    // Replace the file with an equivalent one in a different layout: a rewrite would reformat it.
    const marker = JSON.stringify({ version: 1, id: 'n-1', name: 'alpha', address: '10.0.0.5' });
    await writeFile(nodeIdentityPath(dataDir), marker);
    expect(await persistAssignedNodeId(dataDir, identity, 'n-1')).toBe(identity);
    expect(await persistAssignedNodeId(dataDir, identity, '')).toBe(identity);
    expect(await readFile(nodeIdentityPath(dataDir), 'utf8')).toBe(marker);
  });

  it('refuses a damaged identity file instead of minting a new id', async () => {
    await loadOrCreateNodeIdentity({ dataDir, name: 'a', address: 'b', newId: () => 'n-1' });
    await writeFile(nodeIdentityPath(dataDir), '{"version":1,"id":');
    const error = await loadOrCreateNodeIdentity({ dataDir, name: 'a', address: 'b' }).catch(
      (e: unknown) => e,
    );
    expect(isBerthError(error, 'FILE_UNREADABLE')).toBe(true);
    expect((error as Error).message).toContain('node.json is damaged (not JSON)');
  });

  it.each([
    ['null', 'not an object'],
    ['{"version":2,"id":"x","name":"a","address":"b"}', 'unknown version 2'],
    ['{"version":1,"id":"","name":"a","address":"b"}', 'no id'],
    ['{"version":1,"id":"x","address":"b"}', 'no name'],
    ['{"version":1,"id":"x","name":"a","address":7}', 'no address'],
  ])('rejects %s: %s', (text, why) => {
    expect(() => parseNodeIdentity(text, '/d/node.json')).toThrow(`(${why})`);
  });

  it('reports no identity when the data dir has none', async () => {
    expect(await readNodeIdentity(dataDir)).toBeUndefined();
  });
});
