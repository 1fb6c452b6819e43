/**
 * Capping a task's log files. The child writes straight to an O_APPEND file descriptor (a pipe
 * through the agent would die with the agent), so renaming the file would not help: the child
 * keeps writing into the renamed inode. Instead the agent "copy-truncates" from outside, like
 * logrotate's copytruncate: copy the file to `<name>.1` (replacing the previous one), then
 * truncate it to 0; thanks to O_APPEND the child's next write lands at the new start.
 *
 * The driver runs this periodically for every task it watches and once before each (re)start.
 * Trade-offs: a file can overshoot the cap by what the child writes between two checks, and
 * bytes written in the instant between the final copy and the truncate are lost.
 */
import { open, stat, truncate, copyFile } from 'node:fs/promises';

/** Default size at which a task's stdout/stderr log is rotated. */
export const DEFAULT_LOG_MAX_BYTES = 10 * 1024 * 1024;

/** Path of the one rotated file kept for a log. */
export function rotatedPath(path: string): string {
  return `${path}.1`;
}

/** Rotates `path` to `path.1` when it is larger than `maxBytes`; true when it rotated. */
export async function rotateLogIfOver(path: string, maxBytes: number): Promise<boolean> {
  const size = await fileSize(path);
  if (size === undefined || size <= maxBytes) return false;
  const rotated = rotatedPath(path);
  await copyFile(path, rotated);
  // Catch up on what the child appended while we copied, to narrow the window that is lost.
  const copied = (await fileSize(rotated)) ?? 0;
  const now = (await fileSize(path)) ?? copied;
  if (now > copied) await appendRange(path, rotated, copied, now);
  await truncate(path, 0);
  return true;
}

async function fileSize(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
  }
}

async function appendRange(from: string, to: string, start: number, end: number): Promise<void> {
  const source = await open(from, 'r');
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await source.read(buffer, 0, buffer.length, start);
    const target = await open(to, 'a');
    try {
      await target.write(buffer.subarray(0, bytesRead));
    } finally {
      await target.close();
    }
  } finally {
    await source.close();
  }
}
