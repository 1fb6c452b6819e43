/**
 * The agent's side of the lease, pure (times come in, on a monotonic clock).
 *
 * The scheduler counts a node's silence from the last heartbeat it *received*, and gives its
 * tasks away after the grace plus a fence margin. The agent cannot know when that was, but it
 * knows when it *sent* each heartbeat: a heartbeat the scheduler acknowledged was received after
 * it was sent, so `send time of the last acknowledged heartbeat + grace` is never later than the
 * scheduler's own deadline. When that moment passes the agent fences (stops its tasks), a margin
 * before any replacement may start. An acknowledgement that arrives late (after a freeze) for a
 * heartbeat sent long ago renews nothing, because the lease runs from the send time.
 *
 * Before anything was acknowledged the lease runs from the agent's start. A RegisterAck counts as
 * the acknowledgement of the Register (the scheduler counts registering as being heard from).
 */

/** The grace before the first RegisterAck announces one (ms): the scheduler's default, 3 × 1 s. */
export const DEFAULT_LEASE_GRACE_MS = 3_000;

/** What {@link LeaseClock.check} noticed: the lease ran out, or came back after running out. */
export type LeaseChange = 'expired' | 'renewed';

/** The lease of one agent; see the module comment. */
export class LeaseClock {
  #graceMs: number;
  /** Send time of the newest acknowledged message, or the start. */
  #basis: number;
  #acknowledged = false;
  #expired = false;
  /** Send times of heartbeats not acknowledged yet, by sequence number. */
  readonly #sent = new Map<number, number>();

  /** A lease running from `startedAt` (monotonic ms) for `graceMs`. */
  constructor(startedAt: number, graceMs = DEFAULT_LEASE_GRACE_MS) {
    this.#basis = startedAt;
    this.#graceMs = graceMs;
  }

  /** The lease length in force (ms). */
  get graceMs(): number {
    return this.#graceMs;
  }

  /** When the lease runs out (monotonic ms). */
  get expiresAt(): number {
    return this.#basis + this.#graceMs;
  }

  /** Whether the lease ran out (as of the last {@link check}) and has not been renewed since. */
  get expired(): boolean {
    return this.#expired;
  }

  /** Whether the scheduler has acknowledged anything yet (else the lease runs from the start). */
  get acknowledged(): boolean {
    return this.#acknowledged;
  }

  /** How long before `now` the lease's basis was sent (ms): the age of the last acknowledged send. */
  sinceBasis(now: number): number {
    return now - this.#basis;
  }

  /** Takes the grace a RegisterAck announced; 0 (not announced) keeps the current one. */
  setGrace(graceMs: number): void {
    if (graceMs > 0) this.#graceMs = graceMs;
  }

  /** Heartbeat `seq` was sent at `at`. */
  heartbeatSent(seq: number, at: number): void {
    // A heartbeat sent more than a grace ago can no longer extend the lease past `at`.
    for (const [old, sentAt] of this.#sent) if (sentAt + this.#graceMs <= at) this.#sent.delete(old);
    this.#sent.set(seq, at);
  }

  /** The scheduler acknowledged heartbeat `seq`; false when it is not one still awaited. */
  heartbeatAcked(seq: number): boolean {
    const sentAt = this.#sent.get(seq);
    if (sentAt === undefined) return false;
    for (const old of this.#sent.keys()) if (old <= seq) this.#sent.delete(old);
    this.acknowledge(sentAt);
    return true;
  }

  /** The scheduler acknowledged something sent at `sentAt` (a RegisterAck: the Register). */
  acknowledge(sentAt: number): void {
    this.#acknowledged = true;
    if (sentAt > this.#basis) this.#basis = sentAt;
  }

  /**
   * Call at `now`: `expired` the first time the lease is found run out, `renewed` the first time
   * it is found running again after that, otherwise undefined.
   */
  check(now: number): LeaseChange | undefined {
    const over = now >= this.expiresAt;
    if (over === this.#expired) return undefined;
    this.#expired = over;
    return over ? 'expired' : 'renewed';
  }
}
