/**
 * Stopping a process task the way `docker stop` does: the stop signal to the task's whole
 * process group, then SIGKILL to the group once the grace period is over.
 */
import { BerthError } from '@berth/api';

/** How long to wait for the kernel to finish a SIGKILLed process before reporting failure. */
export const KILL_WAIT_MS = 10_000;

/**
 * Signals group `pgid` with `signal`, waits up to `graceMs` for `exited`, then SIGKILLs the
 * group and waits for `exited` again. Throws a BerthError when the group cannot be signalled
 * (EPERM) or the process outlives SIGKILL.
 */
export async function stopProcessGroup(
  pgid: number,
  signal: NodeJS.Signals,
  graceMs: number,
  exited: Promise<unknown>,
): Promise<void> {
  if (!signalGroup(pgid, signal)) {
    // The group is gone already; let the leader's exit be observed so wait() agrees.
    await settlesWithin(exited, KILL_WAIT_MS);
    return;
  }
  if (await settlesWithin(exited, graceMs)) return;
  // False means the group emptied just now; either way the leader's exit is what we wait for.
  signalGroup(pgid, 'SIGKILL');
  if (await settlesWithin(exited, KILL_WAIT_MS)) return;
  throw new BerthError('UNAVAILABLE', `process ${pgid} did not end within ${KILL_WAIT_MS} ms of SIGKILL`, {
    context: { pid: pgid },
  });
}

/** Sends a signal to a group; false when it no longer exists, a BerthError when not allowed. */
function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ESRCH') return false;
    throw new BerthError('RUNTIME_UNAVAILABLE', `cannot send ${signal} to process ${pgid}: ${code ?? String(err)}`, {
      context: { pid: pgid, signal },
      cause: err,
    });
  }
}

/** True when `promise` settles within `ms`. */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), Math.max(0, ms));
    const done = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    promise.then(done, done);
  });
}
