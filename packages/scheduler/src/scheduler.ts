/**
 * The scheduler process, wired: the cluster authority (CA, join token, revocations), the
 * dispatcher and the Cluster service on a grpc-js TLS server for the agents, the reconcile
 * loop, and the Control API on a unix socket (and optionally TCP with TLS, admins only). The
 * parts do not call each other; each watches the store and writes back. This file only
 * starts them in order and stops them in reverse.
 *
 *   agents ──mTLS──▶ dispatcher ──┐                 ┌── reconcile loop
 *   (Join, Renew ──▶ authority)   ├──▶ state store ◀┤
 *   CLI ──unix socket──▶ control ─┘                 └── (store events)
 *
 * Restart: the SQLite store brings back every stack, task and node as they were. Nodes keep
 * the state they had, and the dispatcher counts their silence from its own start, so agents
 * get a full grace to re-register before anything is marked down, and the first reconcile
 * round sees the world as it was: nothing running is stopped or restarted.
 */
import path from 'node:path';
import { Server, type ServerCredentials } from '@grpc/grpc-js';
import { BerthError, wire } from '@berth/api';
import { ControlApi } from './control/control-api.js';
import { serveControl, type ControlServerHandle } from './control/serve-control.js';
import { ReconcileLoop, type ReconcileLoopOptions } from './controller/reconcile-loop.js';
import { Dispatcher } from './dispatcher/dispatcher.js';
import { streamAuthorizer } from './dispatcher/stream-authorization.js';
import { ClusterAuthority } from './security/cluster-authority.js';
import { clusterService } from './security/cluster-service.js';
import { MemoryStateStore } from './store/memory-store.js';
import type { StateStore } from './store/state-store.js';
import { SqliteStateStore } from './store/sqlite-store.js';

/** The Control API socket's file name in the data dir. */
export const CONTROL_SOCKET_FILE = 'control.sock';
/** Where the scheduler listens for agents unless told otherwise: loopback, any free port (the daemon's choice). */
export const DEFAULT_AGENT_LISTEN = '127.0.0.1:0';
// How long close() lets agent streams finish before cutting them off.
const SHUTDOWN_GRACE_MS = 2_000;

/** How to run a scheduler. */
export interface SchedulerOptions {
  /** Where `state.db` lives; without it the state lives in memory only (tests). */
  dataDir?: string;
  /** `host:port` for the agents' gRPC service; default {@link DEFAULT_AGENT_LISTEN}. */
  agentListen?: string;
  /**
   * The Control API's unix socket; default `<dataDir>/control.sock`. Without a data dir and
   * without this (and without `controlTcp`) no Control API is served.
   */
  controlSocket?: string;
  /** Also serve the Control API on this `host:port`: TLS, and only for admin certificates of the cluster CA. */
  controlTcp?: string;
  /** Validity of the node certificates it issues and of its own (ms); default 90 days (tests use short ones). */
  certificateValidityMs?: number;
  /** Heartbeat period announced to agents (ms); default the dispatcher's (1 s). */
  heartbeatPeriodMs?: number;
  /** Periods without a heartbeat before a node is down; default the dispatcher's (3). */
  missedHeartbeats?: number;
  /** Silence past the grace before a down node's tasks are replaced (ms); default the dispatcher's FENCE_MARGIN_MS (1 s). */
  fenceMarginMs?: number;
  /** Reconcile loop settings (tests inject its clock and ids). */
  reconcile?: Omit<ReconcileLoopOptions, 'log'>;
  /** One line per notable event: registrations, nodes down, rounds that changed something, failures. */
  log?: (line: string) => void;
}

/** Binds `server` to `address` with `credentials`; resolves with the bound port. */
function bind(server: Server, address: string, credentials: ServerCredentials): Promise<number> {
  return new Promise((resolve, reject) => {
    server.bindAsync(address, credentials, (error, port) => {
      if (error) reject(new BerthError('UNAVAILABLE', `cannot listen for agents on ${address}: ${error.message}`, { cause: error }));
      else resolve(port);
    });
  });
}

/** The host part of `host:port` (`[::1]:7400` → `[::1]`). */
function hostOf(address: string): string {
  const colon = address.lastIndexOf(':');
  return colon < 0 ? address : address.slice(0, colon);
}

/** `host:port` with the bound port in place of a requested 0. */
function boundAddress(requested: string, port: number): string {
  const colon = requested.lastIndexOf(':');
  return `${colon < 0 ? requested : requested.slice(0, colon)}:${port}`;
}

/** Shuts a grpc-js server down, cutting off what has not finished within the grace. */
function shutdown(server: Server): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      server.forceShutdown();
      resolve();
    }, SHUTDOWN_GRACE_MS);
    server.tryShutdown(() => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/** Opens the store `options` ask for: SQLite in the data dir, else memory. */
function openStore(options: SchedulerOptions, log: (line: string) => void): StateStore {
  if (options.dataDir === undefined) return new MemoryStateStore();
  return SqliteStateStore.open({
    dataDir: options.dataDir,
    onWriteError: (error) => log(`state store: a write failed and is retried: ${String(error)}`),
  });
}

/** The dispatcher with the heartbeat settings of `options`, its events going to `log`. */
function startDispatcher(store: StateStore, authority: ClusterAuthority, options: SchedulerOptions, log: (line: string) => void): Dispatcher {
  const dispatcher = new Dispatcher(store, {
    ...(options.heartbeatPeriodMs !== undefined ? { heartbeatPeriodMs: options.heartbeatPeriodMs } : {}),
    ...(options.missedHeartbeats !== undefined ? { missedHeartbeats: options.missedHeartbeats } : {}),
    ...(options.fenceMarginMs !== undefined ? { fenceMarginMs: options.fenceMarginMs } : {}),
    authorize: streamAuthorizer((nodeId) => authority.isRevoked(nodeId)),
  });
  dispatcher.on('refused', (e) => log(`refused agent stream from ${e.peer}: ${e.message}`));
  dispatcher.on('registered', (e) => log(`node ${e.nodeId} registered from ${e.peer}; sent ${e.assignments} assignments`));
  dispatcher.on('disconnected', (e) => log(`node ${e.nodeId} disconnected: ${e.why}`));
  dispatcher.on('nodesDown', (ids) => log(`nodes down (silent for ${dispatcher.settings.graceMs} ms): ${ids.join(', ')}`));
  dispatcher.on('tasksLost', (e) => log(`node ${e.nodeId} silent for ${(e.silentMs / 1000).toFixed(1)} s: lease expired, ${e.taskIds.length} tasks lost and replaced`));
  dispatcher.on('problem', (p) => log(`dispatcher: ${p.message}${p.error !== undefined ? `: ${String(p.error)}` : ''}`));
  return dispatcher;
}

/** A running scheduler; see the module comment. */
export class Scheduler {
  private closing: Promise<void> | undefined;

  private constructor(
    /** The state store every part shares. */
    readonly store: StateStore,
    /** The cluster CA, the join token and the revoked node ids. */
    readonly authority: ClusterAuthority,
    readonly dispatcher: Dispatcher,
    readonly loop: ReconcileLoop,
    private readonly agentServer: Server,
    /** `host:port` agents dial (`--join`), with the port actually bound. */
    readonly agentAddress: string,
    private readonly control: ControlServerHandle | undefined,
  ) {}

  /** The Control API's unix socket, when served. */
  get controlSocket(): string | undefined {
    return this.control?.socketPath;
  }

  /** The Control API's bound TCP address (`127.0.0.1:41234`), when served on TCP. */
  get controlTcpAddress(): string | undefined {
    return this.control?.tcpAddress;
  }

  /** Opens the store and starts every part; see {@link SchedulerOptions}. Undoes what it did when a part fails. */
  static async start(options: SchedulerOptions = {}): Promise<Scheduler> {
    const log = options.log ?? (() => undefined);
    const store = openStore(options, log);
    const undo: Array<() => unknown> = [() => store.close()];
    try {
      const requested = options.agentListen ?? DEFAULT_AGENT_LISTEN;
      const authority = await ClusterAuthority.open({
        log,
        serverHosts: [hostOf(requested)],
        // A join token must not hand out a second certificate for a node that is up.
        isNodeLive: (nodeId) => store.node(nodeId)?.state === 'ready',
        ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
        ...(options.certificateValidityMs !== undefined ? { certificateValidityMs: options.certificateValidityMs } : {}),
      });
      undo.push(() => authority.close());
      const dispatcher = startDispatcher(store, authority, options, log);
      undo.push(() => dispatcher.close());

      // The Control API before anything that can write: a second scheduler on the same data dir
      // fails here (its socket answers) before it has touched the store.
      const socketPath = options.controlSocket ?? (options.dataDir !== undefined ? path.join(options.dataDir, CONTROL_SOCKET_FILE) : undefined);
      let control: ControlServerHandle | undefined;
      if (socketPath !== undefined || options.controlTcp !== undefined) {
        const api = new ControlApi({
          store,
          requestLogs: (taskId, request, signal) => dispatcher.requestLogs(taskId, request, signal),
          cleanupStack: (stack, cleanup) => dispatcher.cleanupStack(stack, cleanup),
          authority,
          log,
        });
        const served = await serveControl({
          api,
          ...(socketPath !== undefined ? { socketPath } : {}),
          ...(options.controlTcp !== undefined ? { tcp: options.controlTcp, tcpCredentials: authority.controlServerCredentials() } : {}),
          onRefused: (peer, reason) => log(`refused control call from ${peer}: ${reason}`),
        });
        undo.push(() => served.close());
        control = served;
      }

      const agentServer = new Server();
      agentServer.addService(wire.AgentService, dispatcher.service);
      agentServer.addService(wire.ClusterService, clusterService({ authority, log }));
      undo.push(() => agentServer.forceShutdown());
      const agentAddress = boundAddress(requested, await bind(agentServer, requested, authority.agentServerCredentials()));

      const loop = new ReconcileLoop(store, { ...options.reconcile, log });
      loop.start();
      undo.push(() => loop.stop());

      const endpoints = [
        `agents ${agentAddress}`,
        ...(control?.socketPath !== undefined ? [`control unix://${control.socketPath}`] : []),
        ...(control?.tcpAddress !== undefined ? [`control tcp://${control.tcpAddress}`] : []),
      ];
      log(
        `ready: ${endpoints.join(', ')}; ` +
          `${store.stacks().length} stacks, ${store.taskCount} tasks, ${store.nodes().length} nodes`,
      );
      return new Scheduler(store, authority, dispatcher, loop, agentServer, agentAddress, control);
    } catch (error) {
      for (const step of undo.reverse()) {
        try {
          await step();
        } catch {
          // Unwinding a failed start: the first error is the one to report.
        }
      }
      throw error;
    }
  }

  /**
   * Stops everything in reverse order and flushes the store. Agents are cut off (they redial
   * and keep their tasks running meanwhile); nothing is stopped on any node. Idempotent.
   */
  close(): Promise<void> {
    this.closing ??= this.shutdown();
    return this.closing;
  }

  private async shutdown(): Promise<void> {
    await this.control?.close();
    this.loop.stop();
    this.dispatcher.close();
    await shutdown(this.agentServer);
    this.authority.close();
    this.store.close();
  }
}
