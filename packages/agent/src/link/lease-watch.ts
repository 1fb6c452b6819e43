/**
 * A {@link LeaseClock} kept under watch: a timer set for the lease's expiry, plus checks on
 * demand (the link checks before it acts on any incoming message). Each change the clock notices
 * is handed to `onChange`; what an expiry or a renewal means is the link's business.
 */
import { LeaseClock, type LeaseChange } from './lease-clock.js';

/** Called with what a check noticed and the monotonic time it was noticed at. */
export type LeaseChangeHandler = (change: LeaseChange, now: number) => void;

/** The lease of a running link and its expiry timer; inert until {@link start}, again after {@link stop}. */
export class LeaseWatch {
  readonly #now: () => number;
  readonly #onChange: LeaseChangeHandler;
  #clock: LeaseClock;
  #running = false;
  #timer: NodeJS.Timeout | undefined;
  /** The expiry `#timer` is set for. */
  #timerAt: number | undefined;

  /** `now` is monotonic ms; `graceMs` is the lease before an acknowledgement announces one. */
  constructor(now: () => number, graceMs: number, onChange: LeaseChangeHandler) {
    this.#now = now;
    this.#onChange = onChange;
    this.#clock = new LeaseClock(now(), graceMs);
  }

  /** The lease itself: record sends and acknowledgements here, then {@link check}. */
  get clock(): LeaseClock {
    return this.#clock;
  }

  /** Starts the lease now (before any acknowledgement it runs from the start) and sets its timer. */
  start(): void {
    this.#clock = new LeaseClock(this.#now(), this.#clock.graceMs);
    this.#running = true;
    this.#arm();
  }

  /** Notices the lease running out or coming back, and keeps the expiry timer set. No-op unless running. */
  check(): void {
    if (!this.#running) return;
    const now = this.#now();
    const change = this.#clock.check(now);
    if (change !== undefined) this.#onChange(change, now);
    this.#arm();
  }

  /** Stops watching for good: clears the timer; later checks do nothing. */
  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  /** Sets the timer for the current expiry, unless it is set for it already or the lease is over. */
  #arm(): void {
    if (!this.#running || this.#clock.expired) {
      clearTimeout(this.#timer);
      this.#timer = undefined;
      return;
    }
    const at = this.#clock.expiresAt;
    if (this.#timer !== undefined && this.#timerAt === at) return;
    clearTimeout(this.#timer);
    this.#timerAt = at;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.check();
    }, Math.max(0, Math.ceil(at - this.#now())));
  }
}
