/**
 * Replacing one of the CLI's small private files (the context file, a cert dir's files) so that a
 * crash never leaves half a file under the final name: write a sibling temp file, set its mode,
 * rename it over the target.
 */
import { randomBytes } from 'node:crypto';
import { chmod, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { BerthError } from '@berth/api/domain';

/**
 * Writes `content` to `file` through a sibling temp file and a rename; the file ends up with
 * exactly `mode`. `what` names the file in the FILE_UNREADABLE error (default: its path).
 */
export async function replaceFile(file: string, content: string, mode: number, what = file): Promise<void> {
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.${randomBytes(4).toString('hex')}.tmp`);
  try {
    await writeFile(temp, content, { mode, flag: 'wx' });
    // writeFile's mode is narrowed by the umask; chmod makes a key 0600 (and a cert 0644) whatever it is.
    await chmod(temp, mode);
    await rename(temp, file);
  } catch (e) {
    await rm(temp, { force: true });
    throw new BerthError('FILE_UNREADABLE', `cannot write ${what}: ${(e as Error).message}`, { context: { file }, cause: e });
  }
}
