/**
 * Hosting the Control service: on a unix socket (mode 0600, see `private-unix-socket.ts`) and
 * optionally a TCP address. berth owns the listening sockets and hands each accepted connection
 * to one grpc-js server through its connection injector, so the socket's permissions are set
 * before the first connection can be accepted (grpc-js's own bind gives no such moment).
 */
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { Server, ServerCredentials } from '@grpc/grpc-js';
import { BerthError, wire } from '@berth/api';
import { parseHostPort } from './control-address.js';
import type { ControlApi } from './control-api.js';
import { listenPrivateSocket, removeSocketFile, type SocketFile } from './private-unix-socket.js';

/** Where and what to serve. */
export interface ServeControlOptions {
  api: ControlApi;
  /** Absolute path of the unix socket. */
  socketPath?: string;
  /** `host:port` (`[::1]:7400`; port 0 picks a free one). Plain text: put it on a trusted network only. */
  tcp?: string;
  /** How long `close()` lets open calls finish before cutting them; 2 s. */
  closeGraceMs?: number;
}

/** A running Control server. */
export interface ControlServerHandle {
  /** The unix socket served, if any. */
  readonly socketPath?: string;
  /** The TCP address actually bound (`127.0.0.1:41234`), if any. */
  readonly tcpAddress?: string;
  /** Stops accepting, ends open streams, waits (bounded) for calls, removes the socket file. */
  close(): Promise<void>;
}

function listenTcp(server: NetServer, address: string): Promise<AddressInfo> {
  const { host, port } = parseHostPort(address);
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve(server.address() as AddressInfo);
    });
  });
}

/** Stops accepting at once; resolves when the server's last connection has closed too. */
function closeNetServer(server: NetServer): Promise<void> {
  return new Promise((resolve) => (server.listening ? server.close(() => resolve()) : resolve()));
}

/** Serves `options.api`; BerthError USAGE when neither a socket nor a TCP address is given. */
export async function serveControl(options: ServeControlOptions): Promise<ControlServerHandle> {
  if (options.socketPath === undefined && options.tcp === undefined) {
    throw new BerthError('USAGE', 'serveControl needs a socket path, a TCP address, or both');
  }
  const grpc = new Server();
  grpc.addService(wire.ControlService, options.api);
  const injector = grpc.createConnectionInjector(ServerCredentials.createInsecure());
  // Every accepted socket, so close() can cut one that never became a gRPC session.
  const sockets = new Set<Socket>();
  const accept = (socket: Socket): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    injector.injectConnection(socket);
  };
  const listeners: NetServer[] = [];
  let socketFile: SocketFile | undefined;
  let tcpAddress: string | undefined;
  try {
    if (options.socketPath !== undefined) {
      const unix = createServer(accept);
      listeners.push(unix);
      socketFile = await listenPrivateSocket(unix, options.socketPath);
    }
    if (options.tcp !== undefined) {
      const tcp = createServer(accept);
      listeners.push(tcp);
      const bound = await listenTcp(tcp, options.tcp);
      tcpAddress = bound.family === 'IPv6' ? `[${bound.address}]:${bound.port}` : `${bound.address}:${bound.port}`;
    }
  } catch (error) {
    await Promise.all(listeners.map(closeNetServer));
    grpc.forceShutdown();
    throw error;
  }
  let closing: Promise<void> | undefined;
  const close = async (): Promise<void> => {
    options.api.close();
    const stopped = Promise.all(listeners.map(closeNetServer));
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => {
        grpc.forceShutdown();
        resolve();
      }, options.closeGraceMs ?? 2_000);
      grpc.tryShutdown(() => {
        clearTimeout(timer);
        resolve();
      });
    });
    injector.destroy();
    for (const socket of sockets) socket.destroy();
    await stopped;
    if (socketFile !== undefined) removeSocketFile(socketFile);
  };
  return {
    ...(socketFile !== undefined ? { socketPath: socketFile.path } : {}),
    ...(tcpAddress !== undefined ? { tcpAddress } : {}),
    close: () => (closing ??= close()),
  };
}
