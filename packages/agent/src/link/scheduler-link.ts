/**
 * The agent's end of the Agent.Connect stream. It dials the scheduler, registers, heartbeats,
 * reports task statuses and hands what the scheduler sends to the agent as domain values
 * (events). Whenever the stream ends, errors, or goes silent it redials with capped, jittered
 * backoff and registers again with the same node id; statuses reported meanwhile are kept
 * (latest per task) and sent once the new stream is registered.
 *
 *   start ─▶ dial ─▶ Register ─▶ RegisterAck ══ connected ══▶ Heartbeat every period
 *             ▲                                  │ end / error / silence / lease expired
 *             └──── wait reconnectDelayMs ◀──────┘      close(): half-close, then done
 *
 * The lease (lease-clock.ts, its timer in lease-watch.ts): the send time of the last acknowledged
 * heartbeat (or Register) plus the grace, on a monotonic clock. It is checked on a timer set for
 * its expiry and before any incoming message is handled, so after a freeze (SIGSTOP, a stalled
 * event loop) the agent learns that its lease is over before it acts on anything queued meanwhile.
 * On expiry the link emits `leaseExpired` (the agent fences its tasks) and ends the registered
 * stream: what it still delivers was meant for a lease that is over, and only a fresh
 * registration's complete set says what the node should run now. An acknowledgement that makes the
 * lease current again emits `leaseRenewed`.
 */
import type { ChannelCredentials, ChannelOptions } from '@grpc/grpc-js';
import { toProtoTaskStatus, wire, toProtoAgentMessage, fromProtoSchedulerMessage, type LogChunk, type LogFailure, type TaskStatus, type AgentMessage, type AgentRegistration } from '@berth/api';
import { EventEmitter } from 'eventemitter3';
import { DEFAULT_LEASE_GRACE_MS, type LeaseChange } from './lease-clock.js';
import { LeaseWatch } from './lease-watch.js';
import { openSession, type Session } from './link-session.js';
import { PendingStatuses } from './pending-statuses.js';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelayMs, type ReconnectBackoff } from './reconnect-delay.js';
import type { LinkDown, SchedulerLinkEvents } from './scheduler-link-events.js';

/** Everything Register carries besides the node id. */
export type NodeReport = Omit<AgentRegistration, 'nodeId'>;

/** Settings of a {@link SchedulerLink}. */
export interface SchedulerLinkOptions {
  /** `host:port` of the scheduler's Agent service. */
  address: string;
  /** The persisted node id; replaced by the id a RegisterAck assigns. */
  nodeId: string;
  /** What to register with; called before every (re)connect, so tasks and drivers are current. */
  report: () => NodeReport | Promise<NodeReport>;
  /**
   * Channel credentials; plain text by default. A function is asked on every dial, so renewed
   * node certificates are used from the next (re)connect on.
   */
  credentials?: ChannelCredentials | (() => ChannelCredentials);
  /** Extra grpc-js channel options. */
  channelOptions?: ChannelOptions;
  /** Heartbeat period when the RegisterAck names none; 1 s. */
  defaultHeartbeatPeriodMs?: number;
  /** Give up on a stream whose RegisterAck does not arrive in time; 10 s. */
  registerTimeoutMs?: number;
  /** How long close() waits for the scheduler to end the stream before cancelling it; 2 s. */
  closeTimeoutMs?: number;
  backoff?: ReconnectBackoff;
  /** The lease before a RegisterAck announces one (ms); {@link DEFAULT_LEASE_GRACE_MS}. */
  defaultGraceMs?: number;
  /** Epoch ms; injected so tests are exact. */
  now?: () => number;
  /** Monotonic ms for the lease (it must not jump with the wall clock); default `performance.now`. */
  monotonicNow?: () => number;
  /** [0, 1); injected so tests are exact. */
  random?: () => number;
}

// A stream that has said nothing for this many heartbeat periods (or the lease, if longer) is
// treated as dead: a silent network partition never ends a TCP stream on its own.
const STALL_PERIODS = 3;

/** The agent's connection to the scheduler; see the module comment. */
export class SchedulerLink extends EventEmitter<SchedulerLinkEvents> {
  readonly #options: SchedulerLinkOptions;
  readonly #now: () => number;
  readonly #random: () => number;
  readonly #pending = new PendingStatuses();
  readonly #openLogRequests = new Set<string>();
  #nodeId: string;
  #session: Session | undefined;
  #retryTimer: NodeJS.Timeout | undefined;
  #attempt = 0;
  #heartbeatSeq = 0;
  #started = false;
  /** Set the moment close() is called; `#closing` is its (idempotent) promise. */
  #stopped = false;
  #closing: Promise<void> | undefined;
  #lastAckAt: number | undefined;
  #leaseExpiresAt: number | undefined;
  readonly #monotonicNow: () => number;
  readonly #lease: LeaseWatch;

  /** A link that does nothing until {@link start}. */
  constructor(options: SchedulerLinkOptions) {
    super();
    this.#options = options;
    this.#nodeId = options.nodeId;
    this.#now = options.now ?? Date.now;
    this.#random = options.random ?? Math.random;
    this.#monotonicNow = options.monotonicNow ?? (() => performance.now());
    this.#lease = new LeaseWatch(this.#monotonicNow, options.defaultGraceMs ?? DEFAULT_LEASE_GRACE_MS, (change, now) => this.#onLeaseChange(change, now));
  }

  /** True while a stream is registered (between `connected` and `disconnected`). */
  get connected(): boolean {
    return this.#session?.registered === true && !this.#session.done;
  }

  /** The node id registered with: the configured one until a RegisterAck says otherwise. */
  get nodeId(): string {
    return this.#nodeId;
  }

  /** When (local clock, epoch ms) the scheduler last acknowledged us (RegisterAck or HeartbeatAck). */
  get lastAckAt(): number | undefined {
    return this.#lastAckAt;
  }

  /** The lease expiry from the last HeartbeatAck (scheduler clock, epoch ms). */
  get leaseExpiresAt(): number | undefined {
    return this.#leaseExpiresAt;
  }

  /** Whether the lease has run out (and not been renewed since): the agent has fenced its tasks. */
  get leaseExpired(): boolean {
    return this.#lease.clock.expired;
  }

  /** Dials the scheduler; reconnects on its own until {@link close}. Attach listeners first. */
  start(): void {
    if (this.#started || this.#stopped) return;
    this.#started = true;
    // Before any acknowledgement the lease runs from the start.
    this.#lease.start();
    void this.#dial();
  }

  /**
   * Reports task statuses: sent now when connected, otherwise kept (latest per task) and sent
   * after the next registration. Throws BerthError INTERNAL on a status the wire cannot carry.
   */
  reportStatuses(statuses: readonly TaskStatus[]): void {
    if (statuses.length === 0 || this.#stopped) return;
    const session = this.#session;
    if (session?.registered && !session.done) {
      this.#send(session, { kind: 'statusBatch', statuses: [...statuses] });
      return;
    }
    // Convert now so a bad status fails its reporter, not a later flush on another stream.
    statuses.forEach(toProtoTaskStatus);
    this.#pending.add(statuses);
  }

  /** Sends part of a log answer; false (dropped) when not connected, since the request died with its stream. */
  sendLogChunk(chunk: LogChunk): boolean {
    const sent = this.#sendIfConnected({ kind: 'logChunk', chunk });
    if (sent && chunk.eof) this.#openLogRequests.delete(chunk.requestId);
    return sent;
  }

  /** Ends a log request with an error; false when not connected. */
  sendLogFailure(failure: LogFailure): boolean {
    const sent = this.#sendIfConnected({ kind: 'logError', failure });
    if (sent) this.#openLogRequests.delete(failure.requestId);
    return sent;
  }

  /**
   * Stops for good: no more redials, half-closes the stream and waits (up to closeTimeoutMs) for
   * the scheduler to end it, then cancels it. Leaves no timers or channels behind. Idempotent.
   */
  close(): Promise<void> {
    this.#stopped = true;
    this.#closing ??= this.#shutdown();
    return this.#closing;
  }

  async #shutdown(): Promise<void> {
    clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#lease.stop();
    const session = this.#session;
    if (session && !session.done) {
      clearTimeout(session.registerTimer);
      clearInterval(session.heartbeatTimer);
      session.call.end();
      let timer: NodeJS.Timeout | undefined;
      const timeout = new Promise<void>((resolve) => {
        timer = setTimeout(resolve, this.#options.closeTimeoutMs ?? 2_000);
      });
      await Promise.race([session.finished, timeout]);
      clearTimeout(timer);
      this.#endSession(session, 'closed', 'the link was closed');
    }
    this.#pending.take();
  }

  /** Opens one stream and sends Register; never rejects (a failure schedules the next try). */
  async #dial(): Promise<void> {
    let register: wire.AgentMessage;
    try {
      const report = await this.#options.report();
      // Encoded before dialling so a report the wire cannot carry is a retried failure.
      register = toProtoAgentMessage({ kind: 'register', registration: { ...report, nodeId: this.#nodeId } });
    } catch (error) {
      if (!this.#stopped) this.#scheduleRetry(`cannot describe the node: ${describeError(error)}`);
      return;
    }
    if (this.#stopped) return;
    const session = openSession(
      {
        address: this.#options.address,
        credentials: this.#options.credentials,
        channelOptions: this.#options.channelOptions,
        registerTimeoutMs: this.#options.registerTimeoutMs ?? 10_000,
        openedAt: this.#now(),
        registerSentAt: this.#monotonicNow(),
      },
      { onMessage: (s, message) => this.#onMessage(s, message), onEnd: (s, reason, message) => this.#endSession(s, reason, message) },
    );
    this.#session = session;
    try {
      session.call.write(register);
    } catch (error) {
      this.#endSession(session, 'failed', `cannot send Register: ${describeError(error)}`);
    }
  }

  #onMessage(session: Session, raw: wire.SchedulerMessage): void {
    if (session.done || this.#stopped) return;
    // Before anything queued during a freeze is acted on: an expired lease ends this stream.
    this.#lease.check();
    if (session.done) return;
    session.lastReceivedAt = this.#now();
    let message;
    try {
      message = fromProtoSchedulerMessage(raw);
    } catch (error) {
      this.emit('protocolError', error);
      return;
    }
    switch (message?.kind) {
      case 'registerAck': {
        if (session.registered) return;
        clearTimeout(session.registerTimer);
        const { ack } = message;
        if (ack.nodeId !== '') this.#nodeId = ack.nodeId;
        const periodMs = ack.heartbeatPeriodMs || (this.#options.defaultHeartbeatPeriodMs ?? 1_000);
        // The RegisterAck renews the lease. One that comes too late to (the Register took longer
        // than the grace) leaves nothing on this stream safe to act on: a registered stream
        // always starts with a lease, so a later expiry always fences and ends it.
        this.#lease.clock.setGrace(ack.graceMs);
        this.#lease.clock.acknowledge(session.registerSentAt);
        this.#lease.check();
        if (this.#lease.clock.expired) {
          this.#endSession(session, 'expired', 'the RegisterAck came too late to renew the lease');
          return;
        }
        session.registered = true;
        session.stallAfterMs = Math.max(STALL_PERIODS * periodMs, ack.graceMs);
        this.#attempt = 0;
        this.#lastAckAt = this.#now();
        const backlog = this.#pending.take();
        if (backlog.length > 0) this.#send(session, { kind: 'statusBatch', statuses: backlog });
        session.heartbeatTimer = setInterval(() => this.#heartbeat(session), periodMs);
        this.emit('connected', { nodeId: this.#nodeId, heartbeatPeriodMs: periodMs, graceMs: ack.graceMs });
        return;
      }
      case 'heartbeatAck':
        this.#lastAckAt = this.#now();
        if (this.#lease.clock.heartbeatAcked(message.ack.seq)) this.#lease.check();
        if (message.ack.leaseExpiresAt !== undefined) this.#leaseExpiresAt = message.ack.leaseExpiresAt;
        this.emit('heartbeatAck', message.ack);
        return;
      case 'assignmentSet':
        this.emit('assignments', message.set);
        return;
      case 'logRequest':
        this.#openLogRequests.add(message.request.requestId);
        this.emit('logRequest', message.request);
        return;
      case 'logCancel':
        this.#openLogRequests.delete(message.requestId);
        this.emit('logCancel', message.requestId);
        return;
      case 'stackCleanup':
        this.emit('stackCleanup', message.cleanup);
        return;
      case undefined:
        return;
    }
  }

  #heartbeat(session: Session): void {
    this.#lease.check();
    if (session.done) return;
    const now = this.#now();
    const silentMs = now - session.lastReceivedAt;
    if (silentMs > session.stallAfterMs) {
      this.#endSession(session, 'stalled', `nothing from the scheduler for ${silentMs} ms`);
      return;
    }
    this.#heartbeatSeq += 1;
    this.#lease.clock.heartbeatSent(this.#heartbeatSeq, this.#monotonicNow());
    this.#send(session, { kind: 'heartbeat', seq: this.#heartbeatSeq, time: now });
  }

  /** What the lease running out or coming back means for the link (see the module comment). */
  #onLeaseChange(change: LeaseChange, now: number): void {
    const lease = this.#lease.clock;
    if (change === 'expired') {
      const sinceAcknowledgedMs = lease.sinceBasis(now);
      this.emit('leaseExpired', { graceMs: lease.graceMs, sinceAcknowledgedMs, acknowledged: lease.acknowledged });
      const session = this.#session;
      if (session?.registered && !session.done) {
        this.#endSession(session, 'expired', `lease expired ${Math.round(sinceAcknowledgedMs)} ms after the last acknowledged heartbeat`);
      }
    } else {
      this.emit('leaseRenewed', { expiresInMs: lease.expiresAt - now });
    }
  }

  #sendIfConnected(message: AgentMessage): boolean {
    const session = this.#session;
    if (!session?.registered || session.done) return false;
    return this.#send(session, message);
  }

  #send(session: Session, message: AgentMessage): boolean {
    const encoded = toProtoAgentMessage(message);
    try {
      // The return value is grpc-js's back-pressure hint; it buffers either way.
      session.call.write(encoded);
      return true;
    } catch (error) {
      this.#endSession(session, 'failed', `write failed: ${describeError(error)}`);
      return false;
    }
  }

  #endSession(session: Session, reason: LinkDown['reason'], message: string): void {
    if (session.done) return;
    session.done = true;
    clearTimeout(session.registerTimer);
    clearInterval(session.heartbeatTimer);
    if (this.#session === session) this.#session = undefined;
    session.call.cancel();
    session.client.close();
    session.markFinished();
    const closing = this.#stopped;
    if (session.registered) {
      const cancelled = [...this.#openLogRequests];
      this.#openLogRequests.clear();
      for (const requestId of cancelled) this.emit('logCancel', requestId);
      this.emit('disconnected', closing ? { reason: 'closed', message: 'the link was closed' } : { reason, message });
    }
    if (closing) return;
    if (reason === 'refused') {
      // Redialling cannot help: the scheduler revoked this node (or the certificate names
      // another). Stop as close() would, and say so once.
      // The lease keeps running: what the scheduler replaced elsewhere must still be fenced.
      this.#stopped = true;
      this.emit('refused', message);
      return;
    }
    this.#scheduleRetry(message);
  }

  #scheduleRetry(cause: string): void {
    const attempt = this.#attempt;
    const delayMs = reconnectDelayMs(attempt, this.#random, this.#options.backoff ?? DEFAULT_RECONNECT_BACKOFF);
    this.#attempt += 1;
    this.emit('retrying', { attempt, delayMs, cause });
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      void this.#dial();
    }, delayMs);
  }
}

function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
