/**
 * `ensureDaemon()`: what client commands (`berth up`, …) call before talking to the Control API.
 * With an explicit host (`--host`, else BERTH_HOST) it only returns that host. Otherwise it
 * uses the default daemon's socket (`<stateDir>/control.sock`) and, when nothing answers
 * there, starts `berth daemon` in the background (detached, output to `<stateDir>/daemon.log`)
 * and waits, bounded, until the socket answers.
 *
 * Two commands racing to start the daemon are safe: the second daemon finds the first one's
 * pid file and exits, and both commands then find the first daemon answering.
 */
import { spawn } from 'node:child_process';
import { closeSync, mkdirSync, openSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthError } from '@berth/api/domain';
import { socketAnswers } from './control-socket-probe.js';
import { isRunning, readPidFile } from './pid-file.js';
import { controlSocketPath, DAEMON_LOG_FILE, DAEMON_PID_FILE, defaultStateDir } from './state-dir.js';

/** How long `ensureDaemon` waits for a daemon it started to answer, by default (ms). */
export const DAEMON_START_TIMEOUT_MS = 10_000;
const POLL_MS = 50;

/** The launcher of this CLI (packages/cli/bin/berth.js), resolved from this module's location. */
const BERTH_BIN = fileURLToPath(new URL('../../bin/berth.js', import.meta.url));

/** What {@link ensureDaemon} takes. */
export interface EnsureDaemonOptions {
  /** The `--host` option, if given; wins over BERTH_HOST. */
  host?: string | undefined;
  /** The environment (BERTH_HOST, XDG_STATE_HOME, HOME); also the started daemon's. */
  env?: NodeJS.ProcessEnv;
  /** Where to say that a daemon was started (one line). */
  log?: (line: string) => void;
  /** How long to wait for a started daemon (ms); default {@link DAEMON_START_TIMEOUT_MS}. */
  timeoutMs?: number;
}

/** Where to reach the Control API, and whether a daemon had to be started for it. */
export interface DaemonEndpoint {
  /** A Control API address for `connectControl`: `unix:///…/control.sock` or `host:port`. */
  host: string;
  /** Set when this call started the daemon. */
  started?: { pid: number; logFile: string };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** The last `lines` lines of a file, for error messages; empty when unreadable. */
function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/** Starts `berth daemon --data-dir stateDir` detached, output appended to its log file. */
function spawnDaemon(stateDir: string, env: NodeJS.ProcessEnv): { pid: number; logFile: string; exited: () => boolean } {
  mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  const logFile = path.join(stateDir, DAEMON_LOG_FILE);
  const fd = openSync(logFile, 'a', 0o600);
  try {
    const child = spawn(process.execPath, [BERTH_BIN, 'daemon', '--data-dir', stateDir], {
      detached: true,
      stdio: ['ignore', fd, fd],
      env,
    });
    if (child.pid === undefined) throw new BerthError('UNAVAILABLE', `could not start ${BERTH_BIN} daemon`);
    let exited = false;
    child.once('exit', () => {
      exited = true;
    });
    // Our process must be free to exit while the daemon lives on.
    child.unref();
    return { pid: child.pid, logFile, exited: () => exited };
  } finally {
    closeSync(fd);
  }
}

/** Returns where the Control API is, starting the local daemon if needed; see the module comment. */
export async function ensureDaemon(options: EnsureDaemonOptions = {}): Promise<DaemonEndpoint> {
  const env = options.env ?? process.env;
  const explicit = options.host ?? env['BERTH_HOST'];
  if (explicit !== undefined && explicit !== '') return { host: explicit };

  const stateDir = defaultStateDir(env);
  const socket = controlSocketPath(stateDir);
  const host = `unix://${socket}`;
  if (await socketAnswers(socket)) return { host };

  const timeoutMs = options.timeoutMs ?? DAEMON_START_TIMEOUT_MS;
  const daemon = spawnDaemon(stateDir, env);
  const deadline = Date.now() + timeoutMs;
  let ours = true;
  while (!(await socketAnswers(socket, POLL_MS * 4))) {
    if (daemon.exited()) {
      // Another command's daemon may have won the race for the pid file: wait for that one.
      const holder = readPidFile(path.join(stateDir, DAEMON_PID_FILE));
      if (holder === undefined || holder.pid === daemon.pid || !isRunning(holder)) {
        throw new BerthError('UNAVAILABLE', `the berth daemon exited during start-up; its log (${daemon.logFile}) ends:\n${tail(daemon.logFile)}`, {
          context: { logFile: daemon.logFile },
        });
      }
      ours = false;
    }
    if (Date.now() > deadline) {
      throw new BerthError('UNAVAILABLE', `the berth daemon (pid ${daemon.pid}) did not answer on ${socket} within ${timeoutMs / 1000} s; see ${daemon.logFile}`, {
        context: { pid: daemon.pid, logFile: daemon.logFile },
      });
    }
    await sleep(POLL_MS);
  }
  if (!ours) return { host };
  options.log?.(`started berth daemon (pid ${daemon.pid}, logs: ${daemon.logFile})`);
  return { host, started: { pid: daemon.pid, logFile: daemon.logFile } };
}
