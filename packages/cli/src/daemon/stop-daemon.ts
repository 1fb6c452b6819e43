/**
 * `berth daemon stop`: SIGTERM to the daemon named by the state dir's pid file, then wait until
 * it is gone. The daemon lets go of its workloads as an agent restart does: they keep running,
 * and the next daemon re-adopts them. Only the process the pid file names (checked against
 * its start time) is ever signalled.
 */
import path from 'node:path';
import { BerthError } from '@berth/api/domain';
import { isRunning, readPidFile } from './pid-file.js';
import { DAEMON_PID_FILE } from './state-dir.js';

/** How long `daemon stop` waits for the daemon to exit, by default (ms). */
export const DAEMON_STOP_TIMEOUT_MS = 30_000;
const POLL_MS = 50;

/** What `stopDaemon` found and did. */
export type StopDaemonResult = { stopped: true; pid: number } | { stopped: false; reason: string };

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Stops the daemon of `stateDir`; throws UNAVAILABLE when it does not exit within `timeoutMs`. */
export async function stopDaemon(stateDir: string, timeoutMs = DAEMON_STOP_TIMEOUT_MS): Promise<StopDaemonResult> {
  const pidFile = path.join(stateDir, DAEMON_PID_FILE);
  const record = readPidFile(pidFile);
  if (record === undefined) return { stopped: false, reason: `no berth daemon is running on ${stateDir} (no pid file)` };
  if (!isRunning(record)) return { stopped: false, reason: `no berth daemon is running on ${stateDir} (pid ${record.pid} is gone)` };
  try {
    process.kill(record.pid, 'SIGTERM');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return { stopped: true, pid: record.pid };
    throw new BerthError('UNAVAILABLE', `cannot signal the berth daemon (pid ${record.pid}): ${(error as Error).message}`, { cause: error });
  }
  const deadline = Date.now() + timeoutMs;
  while (isRunning(record)) {
    if (Date.now() > deadline) {
      throw new BerthError('UNAVAILABLE', `the berth daemon (pid ${record.pid}) did not exit within ${timeoutMs / 1000} s of SIGTERM`, {
        context: { pid: record.pid },
      });
    }
    await sleep(POLL_MS);
  }
  return { stopped: true, pid: record.pid };
}
