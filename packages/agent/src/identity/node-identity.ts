/**
 * The node's identity: an id made once, on the agent's first start, and kept in
 * `<dataDir>/node.json` so every later start (and every reconnect) presents the same node to
 * the scheduler. A new id would make the scheduler see a stranger and orphan the tasks still
 * running here, so a damaged file is an error rather than a reason to mint a fresh id.
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/api';
import { writeFileAtomic } from './atomic-write.js';

/** Name of the identity file inside the agent's data directory. */
export const NODE_IDENTITY_FILE = 'node.json';

// Bumped if the file's shape ever changes incompatibly; older agents then refuse it loudly.
const FORMAT_VERSION = 1;

/** Who this node is: its id, and the name and address it was first started with. */
export interface NodeIdentity {
  id: string;
  name: string;
  address: string;
}

/** Inputs of {@link loadOrCreateNodeIdentity}. */
export interface NodeIdentityOptions {
  dataDir: string;
  /** Used only when the identity is created. */
  name: string;
  /** Used only when the identity is created. */
  address: string;
  /** Makes the id on first start; defaults to {@link newNodeId}. Injected so tests are exact. */
  newId?: () => string;
}

/** A fresh random node id: 16 lowercase hex characters (64 bits). */
export function newNodeId(bytes: (size: number) => Uint8Array = randomBytes): string {
  return Buffer.from(bytes(8)).toString('hex');
}

/** The path of the identity file in `dataDir`. */
export function nodeIdentityPath(dataDir: string): string {
  return join(dataDir, NODE_IDENTITY_FILE);
}

/**
 * The identity stored in `dataDir`, or a new one (random id, the given name and address)
 * written there atomically when there is none yet. Creates `dataDir` if needed; throws
 * BerthError FILE_UNREADABLE when the file exists but cannot be read or parsed.
 */
export async function loadOrCreateNodeIdentity(options: NodeIdentityOptions): Promise<NodeIdentity> {
  const existing = await readNodeIdentity(options.dataDir);
  if (existing) return existing;
  const identity: NodeIdentity = {
    id: (options.newId ?? newNodeId)(),
    name: options.name,
    address: options.address,
  };
  await writeNodeIdentity(options.dataDir, identity);
  return identity;
}

/**
 * Records the id the scheduler's RegisterAck gave the node: writes it when it differs from
 * `identity.id` and returns the identity to use from now on. An empty id (the scheduler
 * confirmed nothing) changes nothing.
 */
export async function persistAssignedNodeId(
  dataDir: string,
  identity: NodeIdentity,
  assignedId: string,
): Promise<NodeIdentity> {
  if (assignedId === '' || assignedId === identity.id) return identity;
  const updated: NodeIdentity = { ...identity, id: assignedId };
  await writeNodeIdentity(dataDir, updated);
  return updated;
}

/** The identity stored in `dataDir`, or undefined when there is no identity file. */
export async function readNodeIdentity(dataDir: string): Promise<NodeIdentity | undefined> {
  const path = nodeIdentityPath(dataDir);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('FILE_UNREADABLE', `cannot read the node identity ${path}`, {
      context: { path },
      cause: error,
    });
  }
  return parseNodeIdentity(text, path);
}

/** Parses the identity file's text; throws BerthError FILE_UNREADABLE naming `path` if it is not one. */
export function parseNodeIdentity(text: string, path: string): NodeIdentity {
  const fail = (why: string, cause?: unknown): never => {
    throw new BerthError(
      'FILE_UNREADABLE',
      `the node identity ${path} is damaged (${why}); restore it, or delete it to join as a new node`,
      { context: { path }, cause },
    );
  };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return fail('not JSON', error);
  }
  if (typeof value !== 'object' || value === null) return fail('not an object');
  const record = value as Record<string, unknown>;
  if (record.version !== FORMAT_VERSION) return fail(`unknown version ${String(record.version)}`);
  const { id, name, address } = record;
  if (typeof id !== 'string' || id === '') return fail('no id');
  if (typeof name !== 'string') return fail('no name');
  if (typeof address !== 'string') return fail('no address');
  return { id, name, address };
}

async function writeNodeIdentity(dataDir: string, identity: NodeIdentity): Promise<void> {
  await mkdir(dataDir, { recursive: true });
  const body = { version: FORMAT_VERSION, id: identity.id, name: identity.name, address: identity.address };
  await writeFileAtomic(nodeIdentityPath(dataDir), `${JSON.stringify(body, null, 2)}\n`);
}
