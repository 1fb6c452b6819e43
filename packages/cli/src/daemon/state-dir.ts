/**
 * Where the local daemon keeps its state, and the names of the files in it. The client
 * commands find the daemon through these defaults when neither `--host` nor BERTH_HOST says
 * otherwise, so the daemon and the client must agree on them: both come from here.
 *
 *   <stateDir>/state.db      the scheduler's store
 *   <stateDir>/control.sock  the Control API (mode 0600)
 *   <stateDir>/daemon.pid    the running daemon's pid
 *   <stateDir>/daemon.log    the output of a daemon started in the background
 *   <stateDir>/agent/        the local agent's data (node identity, task records, process logs)
 */
import { homedir } from 'node:os';
import path from 'node:path';

/** The Control API's socket file in a state dir. */
export const CONTROL_SOCKET_FILE = 'control.sock';
/** The running daemon's pid file in a state dir. */
export const DAEMON_PID_FILE = 'daemon.pid';
/** Where a daemon started in the background writes its output. */
export const DAEMON_LOG_FILE = 'daemon.log';
/** The local agent's data dir inside the daemon's. */
export const AGENT_DATA_DIR = 'agent';

/**
 * The daemon's default state dir: `$XDG_STATE_HOME/berth`, else `~/.local/state/berth` (the
 * XDG base directory spec's default; a relative XDG_STATE_HOME is invalid there and ignored).
 */
export function defaultStateDir(env: NodeJS.ProcessEnv = process.env): string {
  const xdg = env['XDG_STATE_HOME'];
  if (xdg !== undefined && path.isAbsolute(xdg)) return path.join(xdg, 'berth');
  const home = env['HOME'] !== undefined && env['HOME'] !== '' ? env['HOME'] : homedir();
  return path.join(home, '.local', 'state', 'berth');
}

/** The control socket of the daemon whose state dir is `stateDir`. */
export function controlSocketPath(stateDir: string): string {
  return path.join(stateDir, CONTROL_SOCKET_FILE);
}

/** The default daemon's control address: `unix://<stateDir>/control.sock`. */
export function defaultControlHost(env: NodeJS.ProcessEnv = process.env): string {
  return `unix://${controlSocketPath(defaultStateDir(env))}`;
}
