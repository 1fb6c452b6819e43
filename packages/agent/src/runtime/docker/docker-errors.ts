/**
 * Engine and transport failures → BerthErrors a person can act on. The driver never lets a
 * raw dockerode error (`(HTTP code 500) server error - …`) or a socket error escape.
 */
import { BerthError, isBerthError, type ErrorCode } from '@berth/api';
import { describeDockerEndpoint, parseDockerHost } from './docker-endpoint.js';

/** Socket-level error codes that mean "no engine to talk to", not "the engine said no". */
const TRANSPORT_CODES: Readonly<Record<string, string>> = {
  ENOENT: 'the socket does not exist (no engine running?)',
  ECONNREFUSED: 'connection refused (no engine listening?)',
  EACCES: 'permission denied on the socket (run as root or join the docker group)',
  EPERM: 'permission denied on the socket',
  ECONNRESET: 'the connection was reset',
  EPIPE: 'the connection was closed',
  ETIMEDOUT: 'the connection timed out',
  EHOSTUNREACH: 'the host is unreachable',
  ENOTFOUND: 'the host name does not resolve',
  EAI_AGAIN: 'the host name does not resolve',
};

/** Where the engine is, as shown in messages: the socket path, or `tcp://host:port`. */
export function engineLocation(env: NodeJS.ProcessEnv): string {
  const endpoint = parseDockerHost(env);
  return endpoint.kind === 'unix' ? endpoint.socketPath : describeDockerEndpoint(endpoint);
}

/** The HTTP status the engine answered with, when it answered. */
export function engineStatus(err: unknown): number | undefined {
  const status = (err as { statusCode?: unknown } | null)?.statusCode;
  return typeof status === 'number' ? status : undefined;
}

/** The engine's own words (its JSON `message`), without dockerode's `(HTTP code …)` prefix. */
export function engineMessage(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as { json?: unknown; message?: unknown };
  const json = e.json as { message?: unknown } | string | null | undefined;
  if (typeof json === 'object' && json !== null && typeof json.message === 'string') return json.message.trim();
  if (typeof json === 'string' && json.trim() !== '') return json.trim();
  return typeof e.message === 'string' ? e.message.trim() : String(err);
}

/** True when the failure is the transport (no socket, refused, reset), not an engine answer. */
export function isTransportFailure(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return engineStatus(err) === undefined && typeof code === 'string' && code in TRANSPORT_CODES;
}

/**
 * The host address in a "port taken" engine error, '' when the error is one without saying
 * which, undefined when the error is something else. Engines word it two ways: another
 * container holds it (`Bind for 127.0.0.1:8080 failed: port is already allocated`), or a host
 * process does (`listen tcp4 127.0.0.1:8080: bind: address already in use`).
 */
export function takenPortAddress(message: string): string | undefined {
  const allocated = /Bind for (\S+:\d+) failed: port is already allocated/.exec(message);
  if (allocated?.[1]) return allocated[1];
  const inUse = /listen (?:tcp|udp|sctp)[46]? (\S+:\d+): bind: address already in use/.exec(message);
  if (inUse?.[1]) return inUse[1];
  return /port is already allocated|address already in use/.test(message) ? '' : undefined;
}

/** The error for a published port someone else holds ('' when the engine did not say which). */
export function portTakenError(address: string, cause?: unknown): BerthError {
  const what = address === '' ? 'a published port of this task' : `port ${address}`;
  return new BerthError('CONFLICT', `${what} is already taken on this node`, {
    context: { address },
    cause,
  });
}

/** The error for an engine that cannot be reached at all. */
export function engineUnreachableError(where: string, cause: unknown): BerthError {
  const code = (cause as { code?: unknown } | null)?.code;
  const reason = typeof code === 'string' && TRANSPORT_CODES[code] ? TRANSPORT_CODES[code] : engineMessage(cause);
  return new BerthError('RUNTIME_UNAVAILABLE', `Docker engine not reachable at ${where}: ${reason}`, {
    context: { where },
    cause,
  });
}

/**
 * Any failure of `doing` (e.g. `starting container web-1`) as a BerthError: an existing
 * BerthError passes through; the transport → RUNTIME_UNAVAILABLE; a taken port → CONFLICT;
 * the engine's 404/409 → NOT_FOUND/CONFLICT; anything else it refused → UNAVAILABLE.
 */
export function toBerthError(err: unknown, doing: string, where: string): BerthError {
  if (isBerthError(err)) return err;
  if (isTransportFailure(err)) return engineUnreachableError(where, err);
  if ((err as { name?: unknown } | null)?.name === 'AbortError') {
    return new BerthError('UNAVAILABLE', `${doing} was aborted`, { cause: err });
  }
  const message = engineMessage(err);
  const port = takenPortAddress(message);
  if (port) return portTakenError(port, err);
  const status = engineStatus(err);
  const code: ErrorCode = status === 404 ? 'NOT_FOUND' : status === 409 ? 'CONFLICT' : 'UNAVAILABLE';
  return new BerthError(code, `${doing} failed: ${message}`, {
    context: status === undefined ? {} : { status },
    cause: err,
  });
}
