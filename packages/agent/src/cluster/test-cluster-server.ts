/**
 * A fake scheduler agent port for tests of joining and renewal: a real grpc-js server on
 * loopback with its own cluster CA, serving Cluster (Join, Renew) and a minimal Agent.Connect
 * over TLS, exactly as the real agent port presents itself (scheduler certificate + CA chain).
 * It records who joined, who renewed and which certificate each Agent stream presented.
 * Not for production: it plans nothing and keeps nothing.
 */
import { Server, status, type ServerDuplexStream, type ServerUnaryCall, type sendUnaryData } from '@grpc/grpc-js';
import { fromProtoAgentMessage, toProtoSchedulerMessage, wire } from '@berth/api';
import {
  agentPortCredentials,
  certificateFingerprint,
  createClusterCa,
  createKeyAndCsr,
  formatJoinToken,
  newTokenSecret,
  parseJoinToken,
  peerIdentity,
  readCertificate,
  secretsEqual,
  signCertificate,
  type CaMaterial,
  type PeerIdentity,
} from '@berth/api/pki';

/** Settings of a {@link TestClusterServer}. */
export interface TestClusterServerOptions {
  /** Lifetime of the node certificates it issues; default 90 days. */
  nodeValidityMs?: number;
  /** Node ids Join and Renew refuse with PERMISSION_DENIED (removed nodes). */
  revoked?: Iterable<string>;
}

type AgentStream = ServerDuplexStream<wire.AgentMessage, wire.SchedulerMessage>;

/** See the module comment. */
export class TestClusterServer {
  /** Node ids that joined, in order. */
  readonly joins: string[] = [];
  /** Node ids that renewed, in order. */
  readonly renewals: string[] = [];
  /** Identity presented by each Agent.Connect stream, in order (undefined: no client certificate). */
  readonly connections: Array<PeerIdentity | undefined> = [];
  readonly revoked: Set<string>;
  readonly #server = new Server();
  readonly #streams = new Set<AgentStream>();
  #port = 0;

  private constructor(
    readonly ca: CaMaterial,
    readonly secret: string,
    private readonly options: TestClusterServerOptions,
  ) {
    this.revoked = new Set(options.revoked ?? []);
    this.#server.addService(wire.ClusterService, {
      join: (call, callback) => void this.#join(call, callback),
      renew: (call, callback) => void this.#renew(call, callback),
    } satisfies wire.ClusterServer);
    this.#server.addService(wire.AgentService, { connect: (call: AgentStream) => this.#connect(call) } satisfies wire.AgentServer);
  }

  /** A server with a fresh CA on 127.0.0.1 (a free port). */
  static async start(options: TestClusterServerOptions = {}): Promise<TestClusterServer> {
    const ca = await createClusterCa();
    const server = new TestClusterServer(ca, newTokenSecret(), options);
    const { keyPem, csrPem } = await createKeyAndCsr('test-scheduler', 'scheduler');
    const { certPem } = await signCertificate({ ca, csrPem, role: 'scheduler', ipAddresses: ['127.0.0.1'] });
    server.#port = await new Promise<number>((resolve, reject) => {
      server.#server.bindAsync('127.0.0.1:0', agentPortCredentials({ caPem: ca.certPem, certPem, keyPem }), (err, port) =>
        err ? reject(err) : resolve(port),
      );
    });
    return server;
  }

  /** `127.0.0.1:<port>`. */
  get address(): string {
    return `127.0.0.1:${this.#port}`;
  }

  /** The join token of this cluster. */
  get token(): string {
    return formatJoinToken({ caFingerprint: certificateFingerprint(this.ca.certPem), secret: this.secret });
  }

  /** Ends every Agent stream from the server's side, so agents redial. */
  endStreams(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /** Stops the server and every stream at once. */
  async close(): Promise<void> {
    this.#streams.clear();
    this.#server.forceShutdown();
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  async #join(call: ServerUnaryCall<wire.JoinRequest, wire.JoinResponse>, callback: sendUnaryData<wire.JoinResponse>): Promise<void> {
    let secret: string;
    try {
      secret = parseJoinToken(call.request.token).secret;
    } catch {
      callback({ code: status.UNAUTHENTICATED, details: 'not a join token' });
      return;
    }
    if (!secretsEqual(secret, this.secret)) {
      callback({ code: status.UNAUTHENTICATED, details: 'wrong join token' });
      return;
    }
    await this.#issue(call.request.csrPem, undefined, (nodeId, certificate) => {
      this.joins.push(nodeId);
      callback(null, { nodeId, certificate });
    }, callback);
  }

  async #renew(call: ServerUnaryCall<wire.RenewRequest, wire.RenewResponse>, callback: sendUnaryData<wire.RenewResponse>): Promise<void> {
    const peer = peerIdentity(call);
    if (peer?.role !== 'node') {
      callback({ code: status.UNAUTHENTICATED, details: 'Renew needs a node certificate' });
      return;
    }
    await this.#issue(call.request.csrPem, peer.commonName, (nodeId, certificate) => {
      this.renewals.push(nodeId);
      callback(null, { certificate });
    }, callback);
  }

  /** Signs a node certificate for the CSR (whose CN must be `nodeId` when given). */
  async #issue(
    csrPem: string,
    nodeId: string | undefined,
    answer: (nodeId: string, certificate: wire.IssuedCertificate) => void,
    fail: (error: { code: status; details: string }) => void,
  ): Promise<void> {
    try {
      const { certPem, notAfter } = await signCertificate({
        ca: this.ca,
        csrPem,
        role: 'node',
        ...(nodeId !== undefined ? { commonName: nodeId } : {}),
        ...(this.options.nodeValidityMs !== undefined ? { validityMs: this.options.nodeValidityMs } : {}),
      });
      const id = readCertificate(certPem).commonName;
      if (this.revoked.has(id)) {
        fail({ code: status.PERMISSION_DENIED, details: `node ${id} was removed from the cluster` });
        return;
      }
      answer(id, { certificatePem: certPem, caCertificatePem: this.ca.certPem, notAfter });
    } catch (error) {
      fail({ code: status.INVALID_ARGUMENT, details: error instanceof Error ? error.message : String(error) });
    }
  }

  #connect(call: AgentStream): void {
    const peer = peerIdentity(call);
    this.connections.push(peer);
    if (peer?.role !== 'node' || this.revoked.has(peer.commonName)) {
      // grpc-js ends a server stream with the status of an emitted error.
      const refusal = peer?.role !== 'node'
        ? { code: status.UNAUTHENTICATED, details: 'Agent.Connect needs a node certificate' }
        : { code: status.PERMISSION_DENIED, details: `node ${peer.commonName} was removed from the cluster` };
      call.on('error', () => undefined);
      call.emit('error', Object.assign(new Error(refusal.details), refusal));
      return;
    }
    this.#streams.add(call);
    const forget = (): void => void this.#streams.delete(call);
    call.on('end', () => {
      forget();
      call.end();
    });
    call.on('cancelled', forget);
    call.on('error', forget);
    call.on('data', (raw: wire.AgentMessage) => {
      const message = fromProtoAgentMessage(raw);
      if (message?.kind === 'register') {
        call.write(toProtoSchedulerMessage({ kind: 'registerAck', ack: { nodeId: peer.commonName, heartbeatPeriodMs: 1_000, graceMs: 0 } }));
      } else if (message?.kind === 'heartbeat') {
        call.write(toProtoSchedulerMessage({ kind: 'heartbeatAck', ack: { seq: message.seq } }));
      }
    });
  }
}
