/**
 * Collects task status changes into batches for the scheduler: a status waits at most
 * `delayMs` (from the first status of the batch), and a batch holding `maxSize` tasks goes at
 * once. A task that changes twice within a batch is sent once, with its latest status (its
 * `stateTimes` still show every state it went through); tasks keep the order they first changed in.
 */
import type { TaskStatus } from '@berth/api';
import type { Clock, TimerHandle } from '../task/clock.js';

/** Batching settings. */
export interface StatusBatchOptions {
  /** Longest a status waits (default 25 ms). */
  delayMs?: number;
  /** Most tasks in one batch (default 100). */
  maxSize?: number;
}

/** Default batching: short enough to be unnoticeable, long enough to merge a burst of starts. */
export const DEFAULT_STATUS_BATCH = Object.freeze({ delayMs: 25, maxSize: 100 });

/** Batches statuses for `deliver`. */
export class StatusBatcher {
  readonly #clock: Clock;
  readonly #delayMs: number;
  readonly #maxSize: number;
  readonly #deliver: (batch: TaskStatus[]) => void;
  #pending = new Map<string, TaskStatus>();
  #timer: TimerHandle | undefined;

  /** A batcher on `clock` handing batches to `deliver`. */
  constructor(clock: Clock, deliver: (batch: TaskStatus[]) => void, options: StatusBatchOptions = {}) {
    this.#clock = clock;
    this.#deliver = deliver;
    this.#delayMs = Math.max(0, options.delayMs ?? DEFAULT_STATUS_BATCH.delayMs);
    this.#maxSize = Math.max(1, options.maxSize ?? DEFAULT_STATUS_BATCH.maxSize);
  }

  /** Number of tasks waiting in the current batch. */
  get size(): number {
    return this.#pending.size;
  }

  /** Queues `status`, replacing an earlier one of the same task in this batch. */
  add(status: TaskStatus): void {
    this.#pending.set(status.taskId, status);
    if (this.#pending.size >= this.#maxSize) {
      this.flush();
      return;
    }
    this.#timer ??= this.#clock.setTimeout(() => {
      this.#timer = undefined;
      this.flush();
    }, this.#delayMs);
  }

  /** Delivers what is waiting now (nothing when empty). */
  flush(): void {
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
    if (this.#pending.size === 0) return;
    const batch = [...this.#pending.values()];
    this.#pending = new Map();
    this.#deliver(batch);
  }
}
