/**
 * The node's TLS material on disk: `<dataDir>/tls/node.key` (0600), `node.crt` and `ca.crt`.
 * The three files only make sense together (the key must match the certificate), so a save is
 * a tiny two-phase commit: each file is first written whole beside its target (`*.next`), then a
 * `commit` marker is written, then the `*.next` files are renamed into place and the marker
 * removed. A crash before the marker leaves the old set (the leftovers are dropped on the next
 * load); a crash after it is rolled forward by the next load. Readers never see a key from one
 * certificate next to another certificate.
 *
 *   save: node.key.next · node.crt.next · ca.crt.next ─▶ commit ─▶ rename ×3 ─▶ rm commit
 *   load: commit present? roll forward : drop *.next ─▶ read ×3 ─▶ key matches cert?
 */
import { createPrivateKey, createPublicKey, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/api';
import { syncDirectory, writeFileAtomic } from '../identity/atomic-write.js';

/** The node's key, its certificate and the cluster CA certificate, all PEM. */
export interface NodeCredentials {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** Where the TLS files of `dataDir` live. */
export interface NodeCredentialPaths {
  dir: string;
  key: string;
  cert: string;
  ca: string;
}

/** The `tls` directory inside the agent's data directory. */
export const NODE_TLS_DIR = 'tls';

const COMMIT_MARKER = 'commit';
const NEXT_SUFFIX = '.next';

/** The paths of the node's TLS files in `dataDir`. */
export function nodeCredentialPaths(dataDir: string): NodeCredentialPaths {
  const dir = join(dataDir, NODE_TLS_DIR);
  return { dir, key: join(dir, 'node.key'), cert: join(dir, 'node.crt'), ca: join(dir, 'ca.crt') };
}

/** The files of a save in the order they are written and renamed, with their modes. */
function entries(paths: NodeCredentialPaths, m: NodeCredentials): Array<{ path: string; data: string; mode: number }> {
  return [
    { path: paths.ca, data: m.caPem, mode: 0o644 },
    { path: paths.cert, data: m.certPem, mode: 0o644 },
    // The private key is the node's credential: only the agent's user may read it.
    { path: paths.key, data: m.keyPem, mode: 0o600 },
  ];
}

/**
 * Replaces the node's TLS files with `material` as one unit (see the module comment). Creates
 * `<dataDir>/tls` (0700) when needed.
 */
export async function saveNodeCredentials(dataDir: string, material: NodeCredentials): Promise<void> {
  const paths = nodeCredentialPaths(dataDir);
  await mkdir(paths.dir, { recursive: true, mode: 0o700 });
  await finishInterruptedSave(paths);
  for (const file of entries(paths, material)) await writeFileAtomic(file.path + NEXT_SUFFIX, file.data, file.mode);
  await writeFileAtomic(join(paths.dir, COMMIT_MARKER), 'berth node credentials\n', 0o600);
  await rollForward(paths);
}

/**
 * The stored TLS material of `dataDir`, or undefined when the node has none (never joined).
 * Finishes a save a crash interrupted. Throws BerthError FILE_UNREADABLE when only some files
 * exist, one cannot be read, or the key does not belong to the certificate.
 */
export async function loadNodeCredentials(dataDir: string): Promise<NodeCredentials | undefined> {
  const paths = nodeCredentialPaths(dataDir);
  await finishInterruptedSave(paths);
  const [keyPem, certPem, caPem] = await Promise.all([paths.key, paths.cert, paths.ca].map((p) => readOptional(p)));
  if (keyPem === undefined && certPem === undefined && caPem === undefined) return undefined;
  if (keyPem === undefined || certPem === undefined || caPem === undefined) {
    const missing = [
      [paths.key, keyPem],
      [paths.cert, certPem],
      [paths.ca, caPem],
    ].flatMap(([path, text]) => (text === undefined ? [path as string] : []));
    throw damaged(paths, `${missing.join(' and ')} missing`);
  }
  if (!keyMatchesCertificate(keyPem, certPem, paths)) throw damaged(paths, 'node.key does not belong to node.crt');
  return { caPem, certPem, keyPem };
}

/** True when `keyPem`'s public half is the one `certPem` certifies; FILE_UNREADABLE if either does not parse. */
function keyMatchesCertificate(keyPem: string, certPem: string, paths: NodeCredentialPaths): boolean {
  let fromKey: Buffer;
  let fromCert: Buffer;
  try {
    fromKey = createPublicKey(createPrivateKey(keyPem)).export({ type: 'spki', format: 'der' });
  } catch (error) {
    throw damaged(paths, 'node.key is not a private key', error);
  }
  try {
    fromCert = new X509Certificate(certPem).publicKey.export({ type: 'spki', format: 'der' });
  } catch (error) {
    throw damaged(paths, 'node.crt is not a certificate', error);
  }
  return fromKey.equals(fromCert);
}

function damaged(paths: NodeCredentialPaths, why: string, cause?: unknown): BerthError {
  return new BerthError(
    'FILE_UNREADABLE',
    `the node credentials in ${paths.dir} are damaged (${why}); restore them, or delete ${paths.dir} and join again with --token`,
    { context: { path: paths.dir }, cause },
  );
}

/** Completes a save that reached its commit marker; discards one that did not. */
async function finishInterruptedSave(paths: NodeCredentialPaths): Promise<void> {
  if (await exists(join(paths.dir, COMMIT_MARKER))) await rollForward(paths);
  else await dropUncommitted(paths);
}

/** Renames every `*.next` file present into place, then removes the marker: idempotent. */
async function rollForward(paths: NodeCredentialPaths): Promise<void> {
  for (const target of [paths.ca, paths.cert, paths.key]) {
    try {
      await rename(target + NEXT_SUFFIX, target);
    } catch (error) {
      // Renamed already by the run the crash interrupted.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  await syncDirectory(paths.dir);
  await rm(join(paths.dir, COMMIT_MARKER), { force: true });
  await syncDirectory(paths.dir);
}

/** Removes `*.next` files of a save that never reached its commit marker. */
async function dropUncommitted(paths: NodeCredentialPaths): Promise<void> {
  await Promise.all([paths.ca, paths.cert, paths.key].map((p) => rm(p + NEXT_SUFFIX, { force: true })));
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('FILE_UNREADABLE', `cannot read ${path}`, { context: { path }, cause: error });
  }
}

async function exists(path: string): Promise<boolean> {
  return (await readOptional(path)) !== undefined;
}
