/**
 * A fake scheduler for tests: a real grpc-js server on loopback serving Agent.Connect. It acks
 * Register and Heartbeat the way the scheduler does, records every agent message as a domain
 * value, and lets a test push messages (assignment sets, log requests) down every open stream.
 * Not for production: it accepts any agent and plans nothing.
 */
import { Server, ServerCredentials, type ServerDuplexStream } from '@grpc/grpc-js';
import { wire, fromProtoAgentMessage, toProtoSchedulerMessage, type AssignmentSet, type TaskStatus, type AgentMessage, type AgentRegistration, type SchedulerMessage } from '@berth/api';

/** Settings of a {@link TestScheduler}. */
export interface TestSchedulerOptions {
  /** Port on 127.0.0.1; 0 (default) picks a free one. Pass an old port to "restart" a scheduler. */
  port?: number;
  /** Sent in every RegisterAck; default 1000. */
  heartbeatPeriodMs?: number;
  /** Sent in every RegisterAck and used for lease expiries; default 0 (none). */
  graceMs?: number;
  /** The id a RegisterAck gives an agent registering as `requested`; default: echo it. */
  assignNodeId?: (requested: string) => string;
  /** Answer Register (default true); false simulates a scheduler that never acknowledges. */
  ackRegistrations?: boolean;
  /** Answer heartbeats (default true); false simulates a scheduler that went silent. */
  ackHeartbeats?: boolean;
  /** Epoch ms for lease expiries; default Date.now. */
  now?: () => number;
}

type AgentStream = ServerDuplexStream<wire.AgentMessage, wire.SchedulerMessage>;

/** A fake scheduler recording what agents send; see the module comment. */
export class TestScheduler {
  /** Every agent message received, in arrival order, across all streams. */
  readonly received: AgentMessage[] = [];
  /** Agent messages the domain conversion rejected. */
  readonly rejected: unknown[] = [];
  /** Number of Connect streams ever opened. */
  streamsOpened = 0;
  readonly #server: Server;
  readonly #options: TestSchedulerOptions;
  readonly #streams = new Set<AgentStream>();
  #ackHeartbeats: boolean;

  #port = 0;

  private constructor(options: TestSchedulerOptions) {
    this.#options = options;
    this.#ackHeartbeats = options.ackHeartbeats !== false;
    this.#server = new Server();
    this.#server.addService(wire.AgentService, {
      connect: (call: AgentStream) => this.#accept(call),
    } satisfies wire.AgentServer);
  }

  /** Starts a fake scheduler on 127.0.0.1 (a free port unless `options.port`). */
  static async start(options: TestSchedulerOptions = {}): Promise<TestScheduler> {
    const scheduler = new TestScheduler(options);
    scheduler.#port = await new Promise<number>((resolve, reject) => {
      scheduler.#server.bindAsync(
        `127.0.0.1:${options.port ?? 0}`,
        ServerCredentials.createInsecure(),
        (err, port) => (err ? reject(err) : resolve(port)),
      );
    });
    return scheduler;
  }

  /** The port it listens on. */
  get port(): number {
    return this.#port;
  }

  /** `127.0.0.1:<port>`, for SchedulerLinkOptions.address. */
  get address(): string {
    return `127.0.0.1:${this.port}`;
  }

  /** Number of streams open right now. */
  get openStreams(): number {
    return this.#streams.size;
  }

  /** Every Register received. */
  registrations(): AgentRegistration[] {
    return this.received.flatMap((m) => (m.kind === 'register' ? [m.registration] : []));
  }

  /** Sequence numbers of every Heartbeat received. */
  heartbeatSeqs(): number[] {
    return this.received.flatMap((m) => (m.kind === 'heartbeat' ? [m.seq] : []));
  }

  /** Every StatusBatch received. */
  statusBatches(): TaskStatus[][] {
    return this.received.flatMap((m) => (m.kind === 'statusBatch' ? [m.statuses] : []));
  }

  /** Starts or stops answering heartbeats, streams staying up: a scheduler gone silent, or back. */
  setAckHeartbeats(on: boolean): void {
    this.#ackHeartbeats = on;
  }

  /** Sends a message down every open stream; returns how many streams it went to. */
  send(message: SchedulerMessage): number {
    return this.sendWire(toProtoSchedulerMessage(message));
  }

  /** Writes a raw wire message down every open stream, e.g. one the agent must reject. */
  sendWire(message: wire.SchedulerMessage): number {
    for (const stream of this.#streams) stream.write(message);
    return this.#streams.size;
  }

  /** Pushes an assignment set to every open stream; returns how many streams it went to. */
  pushAssignments(set: AssignmentSet): number {
    return this.send({ kind: 'assignmentSet', set });
  }

  /** Ends every open stream from the scheduler's side (status OK), as a graceful restart would. */
  endStreams(): void {
    for (const stream of this.#streams) stream.end();
    this.#streams.clear();
  }

  /** Kills the server and every stream at once, as a crash would; the port is free afterwards. */
  async close(): Promise<void> {
    this.#streams.clear();
    this.#server.forceShutdown();
    // The listening socket closes on the next turn of the event loop; a restart on the same
    // port must not race it.
    await new Promise<void>((resolve) => setImmediate(resolve));
  }

  #accept(call: AgentStream): void {
    this.streamsOpened += 1;
    this.#streams.add(call);
    const forget = (): void => {
      this.#streams.delete(call);
    };
    call.on('data', (raw: wire.AgentMessage) => this.#onMessage(call, raw));
    call.on('end', () => {
      forget();
      call.end();
    });
    call.on('cancelled', forget);
    // A listener is required: a stream reset by the agent would otherwise crash the test.
    call.on('error', forget);
  }

  #onMessage(call: AgentStream, raw: wire.AgentMessage): void {
    let message: AgentMessage | undefined;
    try {
      message = fromProtoAgentMessage(raw);
    } catch (error) {
      this.rejected.push(error);
      return;
    }
    if (!message) return;
    this.received.push(message);
    const reply = this.#replyTo(message);
    if (reply && this.#streams.has(call)) call.write(toProtoSchedulerMessage(reply));
  }

  #replyTo(message: AgentMessage): SchedulerMessage | undefined {
    const graceMs = this.#options.graceMs ?? 0;
    if (message.kind === 'register' && this.#options.ackRegistrations !== false) {
      const requested = message.registration.nodeId;
      return {
        kind: 'registerAck',
        ack: {
          nodeId: this.#options.assignNodeId?.(requested) ?? requested,
          heartbeatPeriodMs: this.#options.heartbeatPeriodMs ?? 1_000,
          graceMs,
        },
      };
    }
    if (message.kind === 'heartbeat' && this.#ackHeartbeats) {
      const now = (this.#options.now ?? Date.now)();
      return { kind: 'heartbeatAck', ack: { seq: message.seq, leaseExpiresAt: now + graceMs } };
    }
    return undefined;
  }
}

/**
 * Resolves with `check()`'s first truthy result, polling every 10 ms; rejects after `timeoutMs`
 * naming `what`. For tests waiting on something a real socket delivers.
 */
export async function waitUntil<T>(
  check: () => T | undefined | null | false,
  what: string,
  timeoutMs = 5_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise<void>((resolve) => setTimeout(resolve, 10));
  }
}
