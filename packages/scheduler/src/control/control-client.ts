/**
 * The CLI's end of the Control API: typed calls that take and return domain values and fail
 * with BerthErrors carrying the server's code and message (UNAVAILABLE, naming the address,
 * when no scheduler answers). One connection multiplexes every call; `close()` releases it.
 */
import { Metadata, type CallOptions, type ServiceError } from '@grpc/grpc-js';
import { BerthError, fromProtoNodeInfo, isBerthError, nodeAvailabilityMapping, toProtoStackSpec, wire, type StackSpec } from '@berth/api';
import { parseControlAddress, type ControlAddress } from './control-address.js';
import { controlChannel, explainHandshakeError, type ControlTlsMaterial } from './control-credentials.js';
import { controlStream, type ControlStream } from './client-stream.js';
import { fromStatusError } from './grpc-errors.js';
import { fromProtoEvent, fromProtoLogLine } from './stream-wire.js';
import {
  fromProtoIssuedCertificate,
  fromProtoNodeList,
  fromProtoServiceChange,
  fromProtoServiceSummary,
  fromProtoStackSummary,
  fromProtoTask,
} from './view-wire.js';
import type {
  BerthEvent,
  CertificateRequest,
  DeployResult,
  IssuedCertificateView,
  JoinTokenView,
  LogLine,
  NodeRemoval,
  NodeUpdate,
  NodeView,
  RemoveResult,
  ServiceChange,
  ServiceSummary,
  StackSummary,
  TaskView,
} from './views.js';

/** Connection settings. */
export interface ControlConnectionOptions {
  /** Deadline of each unary call; 30 s. A remove adds its own timeout to it. */
  callTimeoutMs?: number;
  /** Cluster CA and admin certificate; required for a TCP address, unused on a unix socket. */
  tls?: ControlTlsMaterial;
}

/** A `logs` request. */
export interface LogsQuery {
  stack: string;
  /** Only these services; empty or absent = all. */
  services?: string[];
  /** Last n lines per task. */
  tail?: number;
  follow?: boolean;
  /** Only output written at or after this time (epoch ms). */
  since?: number;
}

// Task lists of a busy cluster outgrow grpc-js's 4 MiB default.
const MAX_RECEIVE_BYTES = 64 * 1024 * 1024;

/** A connection to the Control API; see the module comment. */
export class ControlConnection {
  /** The address as messages show it (`unix:///run/berth.sock`, `tcp://10.0.0.1:7400`). */
  readonly address: string;
  readonly #parsed: ControlAddress;
  readonly #client: wire.ControlClient;
  readonly #callTimeoutMs: number;

  constructor(address: ControlAddress, options: ControlConnectionOptions = {}) {
    this.address = address.display;
    this.#parsed = address;
    this.#callTimeoutMs = options.callTimeoutMs ?? 30_000;
    const channel = controlChannel(address, options.tls);
    this.#client = new wire.ControlClient(address.target, channel.credentials, {
      ...channel.options,
      'grpc.max_receive_message_length': MAX_RECEIVE_BYTES,
      // A CLI waiting for a daemon that is starting should notice it soon, not after grpc's 1 s+.
      'grpc.initial_reconnect_backoff_ms': 100,
      'grpc.max_reconnect_backoff_ms': 1_000,
    });
  }

  #unary<T>(start: (options: Partial<CallOptions>, done: (error: ServiceError | null, value: T) => void) => void, timeoutMs = this.#callTimeoutMs): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      start({ deadline: Date.now() + timeoutMs }, (error, value) =>
        error !== null ? reject(explainHandshakeError(fromStatusError(error, this.address), this.#parsed)) : resolve(value),
      );
    });
  }

  /** Deploys `stack` (or, with `dryRun`, only reports what a deploy would change). */
  async deploy(stack: StackSpec, options: { dryRun?: boolean } = {}): Promise<DeployResult> {
    const request = { stack: toProtoStackSpec(stack), dryRun: options.dryRun ?? false };
    const res = await this.#unary<wire.DeployResponse>((o, done) => this.#client.deploy(request, new Metadata(), o, done));
    return { changes: res.changes.map((c, i) => fromProtoServiceChange(c, `changes[${i}]`)), revision: res.revision };
  }

  /** Removes a stack; waits up to `timeoutMs` (default: the services' stop grace periods) for its tasks to stop. */
  async remove(stack: string, options: { removeVolumes?: boolean; timeoutMs?: number } = {}): Promise<RemoveResult> {
    const request = { stack, removeVolumes: options.removeVolumes ?? false, timeoutMs: options.timeoutMs };
    const res = await this.#unary<wire.RemoveResponse>(
      (o, done) => this.#client.remove(request, new Metadata(), o, done),
      this.#callTimeoutMs + (options.timeoutMs ?? 90_000),
    );
    return { removedServices: [...res.removedServices] };
  }

  /** Every deployed stack, by name. */
  async listStacks(): Promise<StackSummary[]> {
    const res = await this.#unary<wire.ListStacksResponse>((o, done) => this.#client.listStacks({}, new Metadata(), o, done));
    return res.stacks.map(fromProtoStackSummary);
  }

  /** The services of `stack` (all stacks when absent), with desired and running replicas. */
  async listServices(stack = ''): Promise<ServiceSummary[]> {
    const res = await this.#unary<wire.ListServicesResponse>((o, done) => this.#client.listServices({ stack }, new Metadata(), o, done));
    return res.services.map((s, i) => fromProtoServiceSummary(s, `services[${i}]`));
  }

  /** Tasks by stack, service and slot, with their node's name. */
  async listTasks(filter: { stack?: string; service?: string } = {}): Promise<TaskView[]> {
    const request = { stack: filter.stack ?? '', service: filter.service ?? '' };
    // The wire Task names its node by id only; the names come from the node list.
    const [res, nodes] = await Promise.all([
      this.#unary<wire.ListTasksResponse>((o, done) => this.#client.listTasks(request, new Metadata(), o, done)),
      this.#nodes(),
    ]);
    const names = new Map(nodes.map((n) => [n.id, n.name]));
    return res.tasks.map((t, i) => fromProtoTask(t, names, `tasks[${i}]`));
  }

  async #nodes(): Promise<wire.NodeInfo[]> {
    return (await this.#listNodes()).nodes;
  }

  #listNodes(): Promise<wire.ListNodesResponse> {
    return this.#unary<wire.ListNodesResponse>((o, done) => this.#client.listNodes({}, new Metadata(), o, done));
  }

  /** Every node, by name, with what the scheduler placed on it. */
  async listNodes(): Promise<NodeView[]> {
    return fromProtoNodeList(await this.#listNodes());
  }

  /** The worker join token (with `rotate`, a new one; the old one stops working). */
  async joinToken(options: { rotate?: boolean } = {}): Promise<JoinTokenView> {
    const request = { rotate: options.rotate ?? false };
    const res = await this.#unary<wire.GetJoinTokenResponse>((o, done) => this.#client.getJoinToken(request, new Metadata(), o, done));
    return { token: res.token, caFingerprint: res.caFingerprint };
  }

  /** Has the cluster CA sign an admin CSR. */
  async issueCertificate(request: CertificateRequest): Promise<IssuedCertificateView> {
    const message: wire.IssueCertificateRequest = {
      role: request.role === 'admin' ? wire.CertificateRole.ADMIN : wire.CertificateRole.UNSPECIFIED,
      csrPem: request.csrPem,
      validityDays: request.validityDays ?? 0,
    };
    const res = await this.#unary<wire.IssueCertificateResponse>((o, done) => this.#client.issueCertificate(message, new Metadata(), o, done));
    return fromProtoIssuedCertificate(res.certificate);
  }

  /** Changes a node's labels or availability; answers the node as it is afterwards, with its load. */
  async updateNode(request: NodeUpdate): Promise<NodeView> {
    const message: wire.UpdateNodeRequest = {
      node: request.node,
      labelsAdd: { ...request.labelsAdd },
      labelsRemove: [...(request.labelsRemove ?? [])],
      availability: request.availability === undefined ? wire.NodeAvailability.UNSPECIFIED : nodeAvailabilityMapping.toWire(request.availability),
    };
    const res = await this.#unary<wire.UpdateNodeResponse>((o, done) => this.#client.updateNode(message, new Metadata(), o, done));
    if (res.node === undefined) throw new BerthError('INTERNAL', 'wire field node is missing', { context: { path: 'node' } });
    const updated = fromProtoNodeInfo(res.node, 'node');
    // UpdateNode answers the node alone; its load comes from the node list.
    const listed = (await this.listNodes()).find((n) => n.id === updated.id);
    return { ...(listed ?? { tasks: 0, running: 0, reservedCpus: 0, reservedMemoryBytes: 0 }), ...updated };
  }

  /** Removes a node (a ready one only with `force`) and revokes its certificate; its tasks move. */
  async removeNode(request: { node: string; force?: boolean }): Promise<NodeRemoval> {
    const message = { node: request.node, force: request.force ?? false };
    const res = await this.#unary<wire.RemoveNodeResponse>((o, done) => this.#client.removeNode(message, new Metadata(), o, done));
    return { nodeId: res.nodeId, tasksMoved: res.tasksMoved };
  }

  /** Sets replica counts; one change per named service, in request order. */
  async scale(stack: string, services: ReadonlyArray<{ service: string; replicas: number }>): Promise<ServiceChange[]> {
    const request = { stack, services: services.map((s) => ({ service: s.service, replicas: s.replicas })) };
    const res = await this.#unary<wire.ScaleResponse>((o, done) => this.#client.scale(request, new Metadata(), o, done));
    return res.changes.map((c, i) => fromProtoServiceChange(c, `changes[${i}]`));
  }

  /** A stack's log lines as they arrive; ends with the logs (unless `follow`) or when `signal` aborts. */
  logs(query: LogsQuery, signal?: AbortSignal): ControlStream<LogLine> {
    const request: wire.LogsRequest = {
      stack: query.stack,
      services: query.services ?? [],
      tail: query.tail,
      follow: query.follow ?? false,
      since: query.since === undefined ? undefined : new Date(query.since),
    };
    const call = this.#client.logs(request);
    return controlStream(call, (m) => (m.line === undefined ? undefined : fromProtoLogLine(m.line)), this.address, signal);
  }

  /** Cluster events (of one stack, when given) until `signal` aborts or the stream is cancelled. */
  events(filter: { stack?: string } = {}, signal?: AbortSignal): ControlStream<BerthEvent> {
    const call = this.#client.events({ stack: filter.stack ?? '' });
    return controlStream(call, (m) => (m.event === undefined ? undefined : fromProtoEvent(m.event)), this.address, signal);
  }

  /** Resolves when the scheduler answers within `timeoutMs` (2 s); BerthError UNAVAILABLE otherwise. */
  async ping(timeoutMs = 2_000): Promise<void> {
    await this.#unary<wire.ListNodesResponse>((o, done) => this.#client.listNodes({}, new Metadata(), o, done), timeoutMs);
  }

  /** Pings until the scheduler answers, for at most `timeoutMs`; the last error when it never does. */
  async waitUntilReady(timeoutMs: number, intervalMs = 100): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    const attempts = Math.ceil(timeoutMs / Math.max(1, intervalMs)) + 1;
    let last: unknown = new BerthError('UNAVAILABLE', `the berth scheduler at ${this.address} did not answer within ${timeoutMs} ms`);
    for (let i = 0; i < attempts && Date.now() < deadline; i++) {
      try {
        return await this.ping(Math.max(1, Math.min(2_000, deadline - Date.now())));
      } catch (error) {
        if (!isBerthError(error, 'UNAVAILABLE')) throw error;
        last = error;
      }
      await new Promise((resolve) => setTimeout(resolve, Math.min(intervalMs, Math.max(0, deadline - Date.now()))));
    }
    throw last;
  }

  /** Closes the connection; calls still open fail. */
  close(): void {
    this.#client.close();
  }
}

/**
 * Connects to the Control API at `host` (`unix:///abs.sock`, `tcp://host:port`, `host:port`);
 * lazy: nothing is dialled until the first call. A TCP host needs `options.tls` (else USAGE).
 */
export function connectControl(host: string, options: ControlConnectionOptions = {}): ControlConnection {
  return new ControlConnection(parseControlAddress(host), options);
}
