/**
 * A manual Clock for tests: time stands still until `advance()` moves it, firing due timers in
 * order. Between timers it lets pending promise work settle, so a chain like "exit → restart
 * decision → start → next exit timer" unfolds inside one `advance()` just as it would in real
 * time, and a test can assert exact delays.
 */
import type { Clock, TimerHandle } from './clock.js';

interface FakeTimer {
  id: number;
  at: number;
  fn: () => void;
}

/** Lets queued promise callbacks run: one macrotask turn drains the whole microtask queue. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** A clock that only moves when told to. */
export class FakeClock implements Clock {
  #now: number;
  #nextId = 1;
  #timers: FakeTimer[] = [];

  /** A clock reading `start` (epoch ms). */
  constructor(start = 1_000_000) {
    this.#now = start;
  }

  /** The current fake time. */
  now(): number {
    return this.#now;
  }

  /** Schedules `fn` at now + `ms` (negative or NaN counts as 0, like Node). */
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const delay = Number.isFinite(ms) && ms > 0 ? ms : 0;
    const timer = { id: this.#nextId++, at: this.#now + delay, fn };
    this.#timers.push(timer);
    return timer.id;
  }

  /** Cancels a pending timer. */
  clearTimeout(handle: TimerHandle): void {
    this.#timers = this.#timers.filter((t) => t.id !== handle);
  }

  /** How many timers are pending. */
  get pendingTimers(): number {
    return this.#timers.length;
  }

  /** When the earliest pending timer is due, if any. */
  nextTimerAt(): number | undefined {
    return this.#earliest()?.at;
  }

  /**
   * Moves time forward by `ms`, firing every timer due on the way (also those scheduled by the
   * timers themselves) at its own time, and letting promise work settle after each.
   */
  async advance(ms: number): Promise<void> {
    const target = this.#now + ms;
    await settle();
    for (;;) {
      const next = this.#earliest();
      if (next === undefined || next.at > target) break;
      this.#timers = this.#timers.filter((t) => t !== next);
      this.#now = Math.max(this.#now, next.at);
      next.fn();
      await settle();
    }
    this.#now = target;
    await settle();
  }

  /** Advances to the time `at` (no-op when already past it). */
  async advanceTo(at: number): Promise<void> {
    await this.advance(Math.max(0, at - this.#now));
  }

  /** The earliest due timer; ties fire in the order they were set. */
  #earliest(): FakeTimer | undefined {
    let best: FakeTimer | undefined;
    for (const t of this.#timers) if (best === undefined || t.at < best.at) best = t;
    return best;
  }
}
