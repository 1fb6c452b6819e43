/** A wait on a Clock that can be cut short: the restart backoff, which a stop must not sit out. */
import type { Clock, TimerHandle } from './clock.js';

/** One pending wait at a time. */
export class CancellableDelay {
  readonly #clock: Clock;
  #timer: TimerHandle | undefined;
  #resolve: (() => void) | undefined;

  /** A delay on `clock`. */
  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /** Resolves after `ms`, or as soon as `cancel()` is called. */
  wait(ms: number): Promise<void> {
    this.cancel();
    return new Promise((resolve) => {
      this.#resolve = resolve;
      this.#timer = this.#clock.setTimeout(() => this.cancel(), ms);
    });
  }

  /** Ends the pending wait now (resolving it); a no-op when none is pending. */
  cancel(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    const resolve = this.#resolve;
    this.#resolve = undefined;
    resolve?.();
  }
}
