/**
 * Where the client commands reach the Control API: `--host`, else BERTH_HOST, else the local
 * daemon's socket. Only `up` starts a daemon when none answers there (and says so); the other
 * commands report that no daemon is running (UNAVAILABLE, exit status 3).
 */
import { BerthError } from '@berth/api/domain';
import { controlSocketPath, defaultStateDir, ensureDaemon, socketAnswers } from '../daemon/index.js';
import type { ControlClient } from './control-api.js';

/** How to find the daemon. */
export interface OpenControlOptions {
  /** The `--host` option, if given. */
  host?: string | undefined;
  env: NodeJS.ProcessEnv;
  /** Start the local daemon in the background when none answers (only `up` does). */
  startDaemon: boolean;
  /** Where to say a daemon was started. */
  log: (line: string) => void;
}

/** Connects to the Control API as {@link OpenControlOptions} says; see the module comment. */
export async function openControl(options: OpenControlOptions): Promise<ControlClient> {
  const explicit = options.host ?? options.env['BERTH_HOST'];
  if (explicit !== undefined && explicit !== '') return connect(explicit);
  if (options.startDaemon) {
    const endpoint = await ensureDaemon({ env: options.env, log: options.log });
    return connect(endpoint.host);
  }
  const socket = controlSocketPath(defaultStateDir(options.env));
  // Probing first turns a refused connection into words a person can act on.
  if (!(await socketAnswers(socket))) {
    throw new BerthError('UNAVAILABLE', `no berth daemon is running (nothing answers on ${socket}); \`berth up\` starts one, or use --host / BERTH_HOST`, {
      context: { socket },
    });
  }
  return connect(`unix://${socket}`);
}

async function connect(host: string): Promise<ControlClient> {
  // Loaded here, not at the top: `berth config` and `--help` should not pay for grpc.
  const { connectControl } = await import('@berth/scheduler');
  return connectControl(host);
}
