/**
 * Hosting the Control service: on a unix socket (mode 0600, see `private-unix-socket.ts`) and
 * optionally a TCP address. berth owns the listening sockets and hands each accepted connection
 * to one grpc-js server through its connection injectors, so the socket's permissions are set
 * before the first connection can be accepted (grpc-js's own bind gives no such moment).
 *
 * The unix socket is plain text: its file mode is the access control. TCP is always TLS with a
 * client certificate required at the handshake, and every call is then checked for the role
 * 'admin' (`admin-only.ts`), by an interceptor attached to the TCP injector's credentials only.
 */
import { createServer, type AddressInfo, type Server as NetServer, type Socket } from 'node:net';
import { experimental, Server, ServerCredentials } from '@grpc/grpc-js';
import { BerthError, wire } from '@berth/api';
import { adminOnly } from './admin-only.js';
import { parseHostPort } from './control-address.js';
import type { ControlApi } from './control-api.js';
import { listenPrivateSocket, removeSocketFile, type SocketFile } from './private-unix-socket.js';

/** Where and what to serve. */
export interface ServeControlOptions {
  api: ControlApi;
  /** Absolute path of the unix socket. */
  socketPath?: string;
  /** `host:port` (`[::1]:7400`; port 0 picks a free one); needs `tcpCredentials`. */
  tcp?: string;
  /**
   * TLS for the TCP listener, requiring a client certificate from the cluster CA (the
   * authority's `controlServerCredentials()`); calls are then allowed for role 'admin' only.
   */
  tcpCredentials?: ServerCredentials;
  /** Hears each call refused over TCP (`peer` is `host:port`), for the scheduler's log. */
  onRefused?: (peer: string, reason: string) => void;
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

type ConnectionInjector = ReturnType<Server['createConnectionInjector']>;

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
  const { tcp, tcpCredentials, onRefused } = options;
  if (tcp !== undefined && tcpCredentials === undefined) {
    throw new BerthError('USAGE', 'the Control API is served on TCP only over TLS: serveControl needs tcpCredentials with tcp');
  }
  const grpc = new Server();
  grpc.addService(wire.ControlService, options.api);
  const injectors: ConnectionInjector[] = [];
  const newInjector = (credentials: ServerCredentials): ConnectionInjector => {
    const made = grpc.createConnectionInjector(credentials);
    injectors.push(made);
    return made;
  };
  // Every accepted socket, so close() can cut one that never became a gRPC session.
  const sockets = new Set<Socket>();
  const acceptWith =
    (into: ConnectionInjector) =>
    (socket: Socket): void => {
      sockets.add(socket);
      socket.once('close', () => sockets.delete(socket));
      into.injectConnection(socket);
    };
  const listeners: NetServer[] = [];
  let socketFile: SocketFile | undefined;
  let tcpAddress: string | undefined;
  try {
    if (options.socketPath !== undefined) {
      const unix = createServer(acceptWith(newInjector(ServerCredentials.createInsecure())));
      listeners.push(unix);
      socketFile = await listenPrivateSocket(unix, options.socketPath);
    }
    if (tcp !== undefined && tcpCredentials !== undefined) {
      const check = adminOnly(onRefused === undefined ? undefined : (peer, refusal) => onRefused(peer, refusal.message));
      const credentials = experimental.createServerCredentialsWithInterceptors(tcpCredentials, [check]);
      const server = createServer(acceptWith(newInjector(credentials)));
      listeners.push(server);
      const bound = await listenTcp(server, tcp);
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
    for (const injector of injectors) injector.destroy();
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
