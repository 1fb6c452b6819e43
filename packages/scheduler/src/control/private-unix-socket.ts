/**
 * A unix socket only its owner can connect to (mode 0600), from the moment it exists: the
 * Control API grants full control of the cluster to whoever connects. Node binds a pipe
 * synchronously inside `listen()`, so a restrictive umask set just around that call covers the
 * bind without leaking into anything else the process does; a chmod right after is the
 * fallback where the umask cannot be set (worker threads), and a check that the mode stuck.
 *
 * A socket file left by a dead process is removed first, but only when nothing answers on it,
 * and never a file that is not a socket.
 */
import { chmodSync, lstatSync, mkdirSync, unlinkSync } from 'node:fs';
import { createConnection, type Server } from 'node:net';
import { dirname, isAbsolute } from 'node:path';
import { BerthError } from '@berth/api';

// sockaddr_un.sun_path is 108 bytes on Linux (104 on macOS), including the terminating NUL.
const MAX_SOCKET_PATH_BYTES = 103;

/** Whether a process accepts connections on the socket at `path` within `timeoutMs`. */
export function socketAnswers(path: string, timeoutMs = 500): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    const finish = (answered: boolean): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(answered);
    };
    // A socket that neither accepts nor refuses is treated as alive: never delete a live one.
    const timer = setTimeout(() => finish(true), timeoutMs);
    socket.once('connect', () => finish(true));
    socket.once('error', () => finish(false));
  });
}

/** Makes `path` free for a new socket: CONFLICT when something answers there or it is not a socket. */
export async function clearStaleSocket(path: string): Promise<void> {
  let stats;
  try {
    stats = lstatSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw error;
  }
  if (!stats.isSocket()) {
    throw new BerthError('CONFLICT', `cannot listen on ${path}: the file exists and is not a socket`, { context: { path } });
  }
  if (await socketAnswers(path)) {
    throw new BerthError('CONFLICT', `cannot listen on ${path}: another process is listening there (is a scheduler already running?)`, {
      context: { path },
    });
  }
  try {
    unlinkSync(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
  }
}

function listenWithUmask(server: Server, path: string): void {
  let previous: number | undefined;
  try {
    previous = process.umask(0o177);
  } catch {
    previous = undefined; // worker threads cannot change the umask; the chmod below still runs
  }
  try {
    server.listen({ path, exclusive: true });
  } finally {
    if (previous !== undefined) process.umask(previous);
  }
}

/** The identity of the socket file a listener created, to remove only that file later. */
export interface SocketFile {
  path: string;
  dev: number;
  ino: number;
}

/** Listens on `path` (absolute) with mode 0600; see the module comment. */
export async function listenPrivateSocket(server: Server, path: string): Promise<SocketFile> {
  if (!isAbsolute(path)) throw new BerthError('USAGE', `the control socket path must be absolute (got ${path})`);
  if (Buffer.byteLength(path) > MAX_SOCKET_PATH_BYTES) {
    throw new BerthError('USAGE', `the control socket path is too long for a unix socket (${Buffer.byteLength(path)} bytes, at most ${MAX_SOCKET_PATH_BYTES}): ${path}`);
  }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  await clearStaleSocket(path);
  await new Promise<void>((resolve, reject) => {
    const onError = (error: Error): void => {
      server.off('listening', onListening);
      reject(error);
    };
    const onListening = (): void => {
      server.off('error', onError);
      resolve();
    };
    server.once('error', onError);
    server.once('listening', onListening);
    listenWithUmask(server, path);
    try {
      chmodSync(path, 0o600);
    } catch {
      // The bind failed (the file is missing); the 'error' event says why.
    }
  });
  const stats = lstatSync(path);
  if ((stats.mode & 0o777) !== 0o600) {
    server.close();
    throw new BerthError('INTERNAL', `the control socket ${path} has mode ${(stats.mode & 0o777).toString(8)}, not 600`);
  }
  return { path, dev: stats.dev, ino: stats.ino };
}

/** Removes the socket file if it is still the one `file` describes (not a successor's). */
export function removeSocketFile(file: SocketFile): void {
  try {
    const stats = lstatSync(file.path);
    if (stats.isSocket() && stats.dev === file.dev && stats.ino === file.ino) unlinkSync(file.path);
  } catch {
    // already gone
  }
}
