/**
 * The dispatcher's settings: heartbeat timing (what every RegisterAck announces and what the
 * liveness check enforces), the fence margin (when a down node's tasks are given up), how long
 * task changes are gathered into one incremental set, and the injected clock and id source.
 */
import { randomUUID } from 'node:crypto';
import { BerthError } from '@berth/api';
import type { AuthorizeStream } from './stream-authorization.js';

/**
 * How often agents heartbeat (ms), announced in every RegisterAck. One second keeps a dead
 * node's detection within a few seconds at a cost of one small store write per node and second.
 */
export const DEFAULT_HEARTBEAT_PERIOD_MS = 1_000;

/**
 * How many heartbeat periods may pass without a word before a node counts as down. Three
 * rides out a lost packet or a GC pause without declaring a healthy node dead.
 */
export const DEFAULT_MISSED_HEARTBEATS = 3;

/**
 * How long after a node went down (silent for the grace) its tasks are given up on and replaced
 * elsewhere (ms), unless their service keeps running when disconnected. The node's agent stops
 * those tasks itself once its lease (the send time of its last acknowledged heartbeat + the
 * grace) runs out, which is never later than the scheduler's grace; the margin covers that stop
 * (the agent gives each task at most 500 ms) plus timer and clock-rate slack, so a replacement
 * never starts while the old copy still runs — as long as the agent is alive to fence itself.
 */
export const FENCE_MARGIN_MS = 1_000;

/**
 * How long task changes are gathered before incremental sets go out (ms). A reconcile round
 * writes many tasks in quick succession; gathering them sends one set per node instead of one
 * per write, and 10 ms is too short for anyone to notice.
 */
export const DEFAULT_ASSIGNMENT_BATCH_MS = 10;

// RegisterAck carries the period and the grace as uint32.
const MAX_WIRE_MS = 2 ** 32 - 1;

/** What a Dispatcher is constructed with; every field has a default. */
export interface DispatcherOptions {
  /** Heartbeat period announced to agents (ms); default {@link DEFAULT_HEARTBEAT_PERIOD_MS}. */
  heartbeatPeriodMs?: number;
  /** Periods without a heartbeat before a node is down; default {@link DEFAULT_MISSED_HEARTBEATS}. */
  missedHeartbeats?: number;
  /** Silence past the grace before a down node's tasks are marked lost (ms); default {@link FENCE_MARGIN_MS}. */
  fenceMarginMs?: number;
  /** How long task changes are gathered into one incremental set (ms); default {@link DEFAULT_ASSIGNMENT_BATCH_MS}. */
  batchMs?: number;
  /** Epoch ms, for heartbeat times, leases and the liveness check; default `Date.now`. */
  now?: () => number;
  /** Fresh ids for nodes registering without one and for log requests; default random UUIDs. */
  newId?: () => string;
  /**
   * Decides at Register whether a stream may register as its node id (see
   * `stream-authorization.ts`); without it every stream may (plain-text tests).
   */
  authorize?: AuthorizeStream;
}

/** The options with defaults applied and the grace worked out. */
export interface DispatcherSettings {
  heartbeatPeriodMs: number;
  missedHeartbeats: number;
  /** How long a node may be silent before it is down: period × missed heartbeats (ms). */
  graceMs: number;
  /** Silence past the grace before a down node's tasks (but those that keep running when disconnected) are lost (ms). */
  fenceMarginMs: number;
  batchMs: number;
  now: () => number;
  newId: () => string;
}

/** Applies the defaults; throws BerthError USAGE on values that make no sense (they come from flags). */
export function dispatcherSettings(options: DispatcherOptions = {}): DispatcherSettings {
  const heartbeatPeriodMs = options.heartbeatPeriodMs ?? DEFAULT_HEARTBEAT_PERIOD_MS;
  const missedHeartbeats = options.missedHeartbeats ?? DEFAULT_MISSED_HEARTBEATS;
  const batchMs = options.batchMs ?? DEFAULT_ASSIGNMENT_BATCH_MS;
  const fenceMarginMs = options.fenceMarginMs ?? FENCE_MARGIN_MS;
  requireWholeNumber('heartbeat period (ms)', heartbeatPeriodMs, 1);
  requireWholeNumber('missed heartbeats', missedHeartbeats, 1);
  requireWholeNumber('fence margin (ms)', fenceMarginMs, 0);
  requireWholeNumber('assignment batch delay (ms)', batchMs, 0);
  const graceMs = heartbeatPeriodMs * missedHeartbeats;
  if (graceMs > MAX_WIRE_MS) {
    throw new BerthError('USAGE', `heartbeat period × missed heartbeats must stay below ${MAX_WIRE_MS} ms (got ${graceMs})`, {
      context: { heartbeatPeriodMs, missedHeartbeats },
    });
  }
  return {
    heartbeatPeriodMs,
    missedHeartbeats,
    graceMs,
    fenceMarginMs,
    batchMs,
    now: options.now ?? Date.now,
    newId: options.newId ?? randomUUID,
  };
}

function requireWholeNumber(what: string, value: number, min: number): void {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new BerthError('USAGE', `${what} must be a whole number of at least ${min} (got ${value})`, {
      context: { setting: what, value },
    });
  }
}
