/**
 * Where the client commands reach the Control API, in this order: `--host`, BERTH_HOST, the
 * context file (`berth context set`), else the local daemon's socket (see
 * `connection-target.ts`). A tcp:// address is TLS with the admin certificate of the cert dir
 * (`--cert-dir`, BERTH_CERT_DIR, the context file, else `~/.config/berth/certs/admin`); a
 * unix socket is plain (its 0600 mode is the access control). Only `up` starts a daemon when
 * nothing names a host and none answers (and says so); the other commands report that no
 * daemon is running (UNAVAILABLE, exit status 3).
 */
import { BerthError } from '@berth/api/domain';
import { controlSocketPath, defaultStateDir, ensureDaemon, socketAnswers } from '../daemon/index.js';
import { readCertDir } from './cert-dir.js';
import { berthConfigDir, contextFilePath, readCliContext } from './cli-context.js';
import { resolveConnection, sourceName, type ConnectionFlags, type ConnectionTarget } from './connection-target.js';
import type { ControlClient } from './control-api.js';

/** How to find the daemon. */
export interface OpenControlOptions extends ConnectionFlags {
  env: NodeJS.ProcessEnv;
  /** Start the local daemon in the background when none answers (only `up` does). */
  startDaemon: boolean;
  /** Where to say a daemon was started. */
  log: (line: string) => void;
  /** Relative cert dirs are taken from here; default process.cwd(). */
  cwd?: string;
}

/** The settings {@link openControl} would use, with where each came from. */
export async function connectionTarget(options: Pick<OpenControlOptions, 'host' | 'certDir' | 'env' | 'cwd'>): Promise<ConnectionTarget> {
  const context = await readCliContext(contextFilePath(options.env));
  return resolveConnection({
    flags: { host: options.host, certDir: options.certDir },
    env: options.env,
    context,
    configDir: berthConfigDir(options.env),
    cwd: options.cwd ?? process.cwd(),
  });
}

/** Connects to the Control API as {@link OpenControlOptions} says; see the module comment. */
export async function openControl(options: OpenControlOptions): Promise<ControlClient> {
  const target = await connectionTarget(options);
  if (target.host !== undefined) return connect(target.host.value, target);
  if (options.startDaemon) {
    const endpoint = await ensureDaemon({ env: options.env, log: options.log });
    return connect(endpoint.host, target);
  }
  const socket = controlSocketPath(defaultStateDir(options.env));
  // Probing first turns a refused connection into words a person can act on.
  if (!(await socketAnswers(socket))) {
    throw new BerthError(
      'UNAVAILABLE',
      `no berth daemon is running (nothing answers on ${socket}); \`berth up\` starts one, or name a scheduler with --host, BERTH_HOST or \`berth context set\``,
      { context: { socket } },
    );
  }
  return connect(`unix://${socket}`, target);
}

async function connect(host: string, target: ConnectionTarget): Promise<ControlClient> {
  // Loaded here, not at the top: `berth config` and `--help` should not pay for grpc.
  const { connectControl, parseControlAddress } = await import('@berth/scheduler');
  const address = parseControlAddress(host);
  if (address.kind === 'unix') return connectControl(host);
  const from = target.host !== undefined ? ` (from ${sourceName(target.host.source, 'host')})` : '';
  const tls = await readCertDir(target.certDir.value, `${address.display}${from}`, sourceName(target.certDir.source, 'certDir'));
  return connectControl(host, { tls });
}
