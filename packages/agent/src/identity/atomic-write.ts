/**
 * Replacing a small file so that a reader (or the next start after a crash or power cut) sees
 * either the old content or the new, never a torn mix: write a sibling temp file, flush it,
 * rename it over the target, then flush the directory so the rename itself is durable.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

/** Writes `data` to `path` atomically (temp file in the same directory, fsync, rename). */
export async function writeFileAtomic(path: string, data: string, mode = 0o644): Promise<void> {
  const dir = dirname(path);
  // Same directory as the target: rename is only atomic within one file system. The random
  // part keeps two writers (or a leftover from a crash) from sharing a temp file.
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    const file = await open(temp, 'wx', mode);
    try {
      await file.writeFile(data, 'utf8');
      await file.sync();
    } finally {
      await file.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
  await syncDirectory(dir);
}

/** Flushes `dir` so renames and removals in it survive a power cut; a no-op where the file system refuses. */
export async function syncDirectory(dir: string): Promise<void> {
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    // Some file systems refuse fsync on a directory; the rename has happened either way and
    // only its durability across a power cut is less certain.
  }
}
