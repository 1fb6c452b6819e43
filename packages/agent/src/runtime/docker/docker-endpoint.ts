import { BerthError } from '@berth/api';

/** Where the Docker engine's API listens, as read from `DOCKER_HOST`. */
export type DockerEndpoint =
  | { kind: 'unix'; socketPath: string }
  | { kind: 'tcp'; host: string; port: number; tls: boolean };

/** The socket dockerd listens on when started without `-H`. */
export const DEFAULT_DOCKER_SOCKET = '/var/run/docker.sock';

/** Ports the Docker CLI assumes for `tcp://host` without one: plain and TLS. */
const DEFAULT_TCP_PORT = 2375;
const DEFAULT_TLS_PORT = 2376;

/**
 * Reads `DOCKER_HOST` (`unix:///path` or `tcp://host[:port]`; unset or empty means the
 * default socket) the way the Docker CLI does. `DOCKER_TLS_VERIFY` (any non-empty value)
 * turns TLS on for tcp. Throws a USAGE BerthError for any other form.
 */
export function parseDockerHost(env: NodeJS.ProcessEnv): DockerEndpoint {
  const raw = env['DOCKER_HOST']?.trim() ?? '';
  if (raw === '') return { kind: 'unix', socketPath: DEFAULT_DOCKER_SOCKET };

  if (raw.startsWith('unix://')) {
    const socketPath = raw.slice('unix://'.length);
    return { kind: 'unix', socketPath: socketPath === '' ? DEFAULT_DOCKER_SOCKET : socketPath };
  }

  if (raw.startsWith('tcp://')) {
    let url: URL;
    try {
      url = new URL(raw);
    } catch (cause) {
      throw invalid(raw, 'it is not a valid tcp://host:port address', cause);
    }
    if (url.hostname === '') throw invalid(raw, 'it names no host');
    if (url.pathname !== '' && url.pathname !== '/') {
      throw invalid(raw, 'a path prefix is not supported');
    }
    const tls = (env['DOCKER_TLS_VERIFY'] ?? '') !== '';
    const port = url.port === '' ? (tls ? DEFAULT_TLS_PORT : DEFAULT_TCP_PORT) : Number(url.port);
    // URL keeps the brackets of an IPv6 literal; sockets want the bare address.
    const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
    return { kind: 'tcp', host, port, tls };
  }

  throw invalid(raw, 'only unix:///path and tcp://host:port are supported');
}

/** How an endpoint is shown to people: in the `DOCKER_HOST` form. */
export function describeDockerEndpoint(endpoint: DockerEndpoint): string {
  if (endpoint.kind === 'unix') return `unix://${endpoint.socketPath}`;
  const host = endpoint.host.includes(':') ? `[${endpoint.host}]` : endpoint.host;
  return `tcp://${host}:${endpoint.port}${endpoint.tls ? ' (TLS)' : ''}`;
}

function invalid(value: string, why: string, cause?: unknown): BerthError {
  return new BerthError('USAGE', `DOCKER_HOST=${value} cannot be used: ${why}`, {
    context: { DOCKER_HOST: value },
    cause,
  });
}
