import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import Docker from 'dockerode';
import { BerthError } from '@berth/api';
import { describeDockerEndpoint, parseDockerHost, type DockerEndpoint } from './docker-endpoint.js';

/** Result of asking an engine who it is: its version, or why it could not answer. */
export type DockerPing = { ok: true; version: string } | { ok: false; reason: string };

/** Endpoint each client was made for, so failures can say where we looked. */
const endpoints = new WeakMap<Docker, DockerEndpoint>();

/**
 * A dockerode client for the engine `DOCKER_HOST` names in `env` (default: the local
 * socket /var/run/docker.sock). Throws a USAGE BerthError if `DOCKER_HOST` is malformed
 * or TLS is asked for (`DOCKER_TLS_VERIFY`) without readable certificates.
 */
export function createDockerClient(env: NodeJS.ProcessEnv = process.env): Docker {
  const endpoint = parseDockerHost(env);
  // docker-modem fills its defaults from process.env; every connection field is set
  // explicitly (undefined included) so `env` alone decides where we connect.
  const options: Docker.DockerOptions =
    endpoint.kind === 'unix'
      ? { socketPath: endpoint.socketPath, host: undefined, port: undefined, protocol: 'http' }
      : {
          socketPath: undefined,
          host: endpoint.host,
          port: endpoint.port,
          protocol: endpoint.tls ? 'https' : 'http',
          ...tlsFiles(env, endpoint.tls),
        };
  const client = new Docker(options);
  endpoints.set(client, endpoint);
  return client;
}

/**
 * Asks the engine for its version within `timeoutMs`. Never throws: an absent, refusing,
 * silent or odd engine gives `{ ok: false, reason }` that says where and what failed.
 */
export async function pingDocker(client: Docker, timeoutMs: number): Promise<DockerPing> {
  const endpoint = endpoints.get(client);
  const where = endpoint ? describeDockerEndpoint(endpoint) : 'the Docker engine';
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<'timeout'>((resolve) => {
    timer = setTimeout(() => resolve('timeout'), timeoutMs);
  });
  try {
    // dockerode 5 honours abortSignal on version(); @types/dockerode 4 does not declare it.
    const version = client.version as (opts: { abortSignal: AbortSignal }) => Promise<unknown>;
    const answer = await Promise.race([
      version.call(client, { abortSignal: controller.signal }),
      timedOut,
    ]);
    if (answer === 'timeout') {
      return { ok: false, reason: `${where} did not answer within ${timeoutMs} ms` };
    }
    const found = engineVersion(answer);
    return found === undefined
      ? { ok: false, reason: `${where} answered, but not like a Docker engine (no version)` }
      : { ok: true, version: found };
  } catch (err) {
    return { ok: false, reason: `${where} is not usable: ${explain(err)}` };
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
}

function engineVersion(answer: unknown): string | undefined {
  if (typeof answer !== 'object' || answer === null) return undefined;
  const version = (answer as { Version?: unknown }).Version;
  return typeof version === 'string' && version !== '' ? version : undefined;
}

/** Turns the errors Node and dockerode raise into one line a person can act on. */
function explain(err: unknown): string {
  const e = (typeof err === 'object' && err !== null ? err : {}) as {
    code?: unknown;
    statusCode?: unknown;
    message?: unknown;
  };
  switch (e.code) {
    case 'ENOENT':
      return 'the socket does not exist (no engine running?)';
    case 'ECONNREFUSED':
      return 'connection refused (no engine listening?)';
    case 'EACCES':
      return 'permission denied on the socket (run as root or join the docker group)';
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return 'the host name does not resolve';
    default:
      break;
  }
  const message = typeof e.message === 'string' ? e.message : String(err);
  return typeof e.statusCode === 'number' ? `HTTP ${e.statusCode}: ${message}` : message;
}

function tlsFiles(env: NodeJS.ProcessEnv, tls: boolean): Partial<Docker.DockerOptions> {
  if (!tls) return { ca: undefined, cert: undefined, key: undefined };
  const dir = env['DOCKER_CERT_PATH'] || join(homedir(), '.docker');
  const read = (file: string): Buffer => {
    const path = join(dir, file);
    try {
      return readFileSync(path);
    } catch (cause) {
      throw new BerthError('USAGE', `DOCKER_TLS_VERIFY is set but ${path} cannot be read`, {
        context: { path },
        cause,
      });
    }
  };
  return { ca: read('ca.pem'), cert: read('cert.pem'), key: read('key.pem') };
}
