/**
 * The cluster authority's files in `<dataDir>/pki/`: the CA certificate and key, the join
 * secret and the revoked node ids. The directory is 0700 and secrets are 0600 from the moment
 * they exist. Every file is replaced atomically (sibling temp file, fsync, rename, fsync the
 * directory), so a crash leaves the old content or the new, never a torn key or a half list.
 */
import { randomBytes } from 'node:crypto';
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { BerthError } from '@berth/api';

/** The authority's folder inside the scheduler's data dir. */
export const PKI_DIR = 'pki';
/** The cluster CA certificate (PEM; public). */
export const CA_CERT_FILE = 'ca.crt';
/** The cluster CA private key (PEM, 0600). */
export const CA_KEY_FILE = 'ca.key';
/** The secret half of the join token (32 hex, 0600). */
export const JOIN_SECRET_FILE = 'join-token';
/** Ids of removed nodes, refused from then on (JSON). */
export const REVOKED_FILE = 'revoked.json';

/** Creates `dir` (and parents) if needed, and makes it 0700 even if it existed looser. */
export function ensurePrivateDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  if ((statSync(dir).mode & 0o777) !== 0o700) chmodSync(dir, 0o700);
}

/** The text of `file`, or undefined when it does not exist. */
export function readOptionalFile(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new BerthError('FILE_UNREADABLE', `cannot read ${file}: ${(error as Error).message}`, { context: { file }, cause: error });
  }
}

/** Replaces `file` with `content` atomically; the file has `mode` (default 0600) from its creation. */
export function writeFileAtomicSync(file: string, content: string, mode = 0o600): void {
  const dir = dirname(file);
  // Same directory: rename is atomic only within one file system. The random part keeps two
  // writers, or a leftover from a crash, from sharing a temp file.
  const temp = join(dir, `.${basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const fd = openSync(temp, 'wx', mode);
    try {
      writeSync(fd, content);
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    // The umask can only remove bits; a chmod makes a wider requested mode (a public cert) exact.
    chmodSync(temp, mode);
    renameSync(temp, file);
  } catch (error) {
    rmSync(temp, { force: true });
    throw new BerthError('FILE_UNREADABLE', `cannot write ${file}: ${(error as Error).message}`, { context: { file }, cause: error });
  }
  syncDirectory(dir);
}

/** The ids in a revoked.json text; BerthError FILE_UNREADABLE when it is not what this module writes. */
export function parseRevoked(text: string, file: string): string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new BerthError('FILE_UNREADABLE', `${file} is not valid JSON`, { context: { file }, cause: error });
  }
  const ids = (parsed as { nodeIds?: unknown } | null)?.nodeIds;
  if (!Array.isArray(ids) || !ids.every((id) => typeof id === 'string')) {
    throw new BerthError('FILE_UNREADABLE', `${file} must hold {"nodeIds": [string…]}`, { context: { file } });
  }
  return ids as string[];
}

/** The revoked.json text for `ids` (sorted, so the file is stable). */
export function formatRevoked(ids: Iterable<string>): string {
  return `${JSON.stringify({ nodeIds: [...ids].sort() }, null, 2)}\n`;
}

function syncDirectory(dir: string): void {
  try {
    const fd = openSync(dir, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename is still atomic there.
  }
}
