/**
 * How long the link waits before redialling the scheduler: capped exponential backoff with
 * full jitter (a uniform pick in [0, ceiling)). The jitter spreads the agents of a cluster out
 * so a restarted scheduler is not hit by all of them in the same instant.
 */

/** The backoff curve's bounds. */
export interface ReconnectBackoff {
  /** Ceiling of the first retry. */
  initialMs: number;
  /** Ceiling never exceeds this. */
  maxMs: number;
}

/** 100 ms doubling to a 5 s ceiling. */
export const DEFAULT_RECONNECT_BACKOFF: Readonly<ReconnectBackoff> = Object.freeze({
  initialMs: 100,
  maxMs: 5_000,
});

/**
 * Delay in whole ms before retry number `attempt` (0-based, reset once a stream registers):
 * `floor(random() × min(maxMs, initialMs × 2^attempt))`. `random` returns [0, 1) like
 * Math.random; injected so tests are exact.
 */
export function reconnectDelayMs(
  attempt: number,
  random: () => number,
  backoff: ReconnectBackoff = DEFAULT_RECONNECT_BACKOFF,
): number {
  const cap = Math.max(0, backoff.maxMs);
  // Large attempts overflow 2^n to Infinity, which the cap absorbs; a negative or NaN attempt
  // counts as the first.
  const ceiling = Math.min(cap, Math.max(0, backoff.initialMs) * 2 ** Math.max(0, attempt || 0));
  // Clamp: a random source returning 1 (or garbage) must stay below the ceiling, never NaN.
  const r = random();
  const unit = Number.isFinite(r) ? Math.min(Math.max(r, 0), 1) : 0;
  return Math.max(0, Math.min(Math.floor(unit * ceiling), Math.ceil(ceiling) - 1));
}
