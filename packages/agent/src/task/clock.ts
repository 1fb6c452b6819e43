/**
 * Time as the task runner and supervisor see it. Everything that waits (restart backoff, health
 * probes, status batching) goes through a Clock so tests drive time exactly with a FakeClock
 * instead of sleeping.
 */

/** An opaque timer returned by {@link Clock.setTimeout}. */
export type TimerHandle = unknown;

/** A source of the current time and of one-shot timers. */
export interface Clock {
  /** Epoch milliseconds. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds. */
  setTimeout(fn: () => void, ms: number): TimerHandle;
  /** Cancels a timer; a no-op for one that already fired or was cancelled. */
  clearTimeout(handle: TimerHandle): void;
}

/** The real clock: `Date.now()` and Node's timers (unref'd: a pending backoff never keeps the agent alive). */
export const systemClock: Clock = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => {
    const timer = setTimeout(fn, ms);
    timer.unref();
    return timer;
  },
  clearTimeout: (handle) => clearTimeout(handle as NodeJS.Timeout),
};
