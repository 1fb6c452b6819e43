/**
 * The reconcile loop: the I/O around the pure `schedule()`. It watches the store for changes
 * that matter (stacks, tasks, nodes; see `relevant-changes.ts`), waits a few ms so a burst of
 * changes makes one round, and runs the round in one store transaction (`store-round.ts`).
 *
 *   store events ─▶ request() ─▶ (debounce) ─▶ round: read → schedule → write ─▶ store events
 *
 * Its own writes do not trigger another round (a round applied is a fixed point). Rounds
 * never overlap: a change during a round asks for one more after it. A failed round is
 * logged and retried after a backoff, or at the next change if that comes first; nothing is
 * thrown out of the loop. A periodic round runs regardless, so nothing waits on an event that
 * never comes. Rounds are spaced at least as far apart as the last one took, which caps the
 * loop at about half a core however fast agents report.
 *
 * A round creates and places at most `maxTasksPerRound` tasks. One that left work for later
 * (`RoundSummary.deferred`) is followed by the next at once, after one turn of the event loop
 * (`setImmediate`), so a 100,000-task deploy is placed in short rounds with heartbeats, status
 * reports and outgoing assignments handled in between, instead of in one round that holds the
 * event loop for seconds (long enough for every agent's lease to run out). Such a round has
 * always created or placed its full cap, so the chain ends; tasks no node can take do not count
 * towards the cap and never keep it going.
 */
import { EventEmitter } from 'eventemitter3';
import { BerthError } from '@berth/api';
import type { StateStore } from '../store/state-store.js';
import type { NodeChange, StackChange, TaskChangeBatch } from '../store/store-events.js';
import { nodeChangeMatters, taskChangesMatter } from './relevant-changes.js';
import { runStoreRound, type RoundSummary } from './store-round.js';
import { taskIdGenerator } from './task-ids.js';

/** How long a change waits for more before the round runs (ms): long enough to coalesce a burst. */
export const DEFAULT_DEBOUNCE_MS = 5;
/** How often a round runs without any change (ms), so time-based conditions progress. */
export const DEFAULT_PERIOD_MS = 1_000;
/** The first retry delay after a failed round (ms); doubles per failure up to the max. */
export const DEFAULT_RETRY_INITIAL_MS = 100;
/** The longest retry delay after failed rounds (ms). */
export const DEFAULT_RETRY_MAX_MS = 5_000;
/**
 * The most tasks one round creates, and the most it places (see `RoundLimits`). At 1,000 nodes
 * and 100,000 tasks such a round takes about 100–200 ms (mostly the fixed cost of reconciling
 * every task), well inside the 3 s grace agents have to get a heartbeat answered.
 */
export const DEFAULT_MAX_TASKS_PER_ROUND = 5_000;

/** Settings of a {@link ReconcileLoop}; every one has a default. */
export interface ReconcileLoopOptions {
  /** The clock (epoch ms) handed to reconcile; default `Date.now`. */
  now?: () => number;
  /** Task id source; default {@link taskIdGenerator} on `now`. */
  newId?: () => string;
  debounceMs?: number;
  periodMs?: number;
  retryInitialMs?: number;
  retryMaxMs?: number;
  /** The most tasks a round creates and places; default {@link DEFAULT_MAX_TASKS_PER_ROUND}. */
  maxTasksPerRound?: number;
  /** One line per round that changed something, and per failure. */
  log?: (line: string) => void;
}

/** What the loop reports. */
export interface ReconcileLoopEvents {
  /** A round committed (`summary.written > 0`) or found nothing to do; `revision` is the store's after it. */
  round: (summary: RoundSummary, revision: number) => void;
  /** A round failed; the loop retries it. */
  failed: (error: unknown) => void;
}

/** One line describing a round that changed something. */
function describe(s: RoundSummary): string {
  const parts = [`${s.created} created`, `${s.assigned} assigned`, `${s.stopped} stopped`];
  if (s.waiting > 0) parts.push(`${s.waiting} waiting`);
  if (s.unplaced > 0) parts.push(`${s.unplaced} unplaced`);
  if (s.forgotten > 0) parts.push(`${s.forgotten} forgotten`);
  if (s.deferred > 0) parts.push(`${s.deferred} left for the next round`);
  return `reconcile: ${parts.join(', ')}`;
}

/** Runs reconcile rounds against a store as it changes; see the module comment. */
export class ReconcileLoop extends EventEmitter<ReconcileLoopEvents> {
  private readonly now: () => number;
  private readonly newId: () => string;
  private readonly debounceMs: number;
  private readonly periodMs: number;
  private readonly retryInitialMs: number;
  private readonly retryMaxMs: number;
  private readonly maxTasksPerRound: number;
  private readonly log: (line: string) => void;

  private started = false;
  private running = false;
  /** A change arrived during a round: run again after it. */
  private dirty = false;
  private timer: NodeJS.Timeout | undefined;
  private dueAt = 0;
  /** The next round of a capped deploy, due after this turn of the event loop. */
  private immediate: NodeJS.Immediate | undefined;
  private ticker: NodeJS.Timeout | undefined;
  /** The revision this loop's own transaction commits as; its events are not changes to react to. */
  private ownRevision = -1;
  private lastEnd = 0;
  private lastDuration = 0;
  private consecutiveFailures = 0;
  /** After a failure, periodic rounds wait until then (changes do not). */
  private backoffUntil = 0;
  private idleWaiters: Array<() => void> = [];
  private roundCount = 0;
  private failureCount = 0;

  constructor(
    private readonly store: StateStore,
    options: ReconcileLoopOptions = {},
  ) {
    super();
    this.now = options.now ?? Date.now;
    this.newId = options.newId ?? taskIdGenerator({ now: this.now });
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.periodMs = options.periodMs ?? DEFAULT_PERIOD_MS;
    this.retryInitialMs = options.retryInitialMs ?? DEFAULT_RETRY_INITIAL_MS;
    this.retryMaxMs = options.retryMaxMs ?? DEFAULT_RETRY_MAX_MS;
    this.maxTasksPerRound = options.maxTasksPerRound ?? DEFAULT_MAX_TASKS_PER_ROUND;
    if (!Number.isSafeInteger(this.maxTasksPerRound) || this.maxTasksPerRound < 1) {
      throw new BerthError('USAGE', `tasks per round must be a whole number of at least 1 (got ${this.maxTasksPerRound})`);
    }
    this.log = options.log ?? (() => undefined);
  }

  /** Rounds run so far (successful or not). */
  get rounds(): number {
    return this.roundCount;
  }

  /** Rounds that failed so far. */
  get failures(): number {
    return this.failureCount;
  }

  /** Subscribes to the store, starts the periodic round, and asks for a first round. */
  start(): void {
    if (this.started) return;
    this.started = true;
    this.store.on('stack-changed', this.onStack);
    this.store.on('task-changed', this.onTasks);
    this.store.on('node-changed', this.onNode);
    this.ticker = setInterval(() => {
      if (Date.now() >= this.backoffUntil) this.request();
    }, this.periodMs);
    this.ticker.unref();
    this.request();
  }

  /** Unsubscribes and cancels what is due; a round in progress (synchronous) has already ended. */
  stop(): void {
    if (!this.started) return;
    this.started = false;
    this.store.off('stack-changed', this.onStack);
    this.store.off('task-changed', this.onTasks);
    this.store.off('node-changed', this.onNode);
    clearInterval(this.ticker);
    clearTimeout(this.timer);
    this.timer = undefined;
    clearImmediate(this.immediate);
    this.immediate = undefined;
    this.dirty = false;
    this.wakeIdle();
  }

  /** Asks for a round within `delayMs` (default the debounce); requests coalesce. */
  request(delayMs: number = this.debounceMs): void {
    if (!this.started) return;
    if (this.running) {
      this.dirty = true;
      return;
    }
    // The next round of a capped deploy runs at once anyway.
    if (this.immediate !== undefined) return;
    // Keep rounds at least one round's duration apart (see the module comment).
    const earliest = this.lastEnd + this.lastDuration;
    const due = Math.max(Date.now() + delayMs, earliest);
    if (this.timer !== undefined && this.dueAt <= due) return;
    clearTimeout(this.timer);
    this.dueAt = due;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.runNow();
    }, due - Date.now());
    this.timer.unref();
  }

  /**
   * Runs a round now, synchronously, and returns what it did; undefined when it failed (it is
   * logged and retried) or when a round is already running (one more runs after it).
   */
  runNow(): RoundSummary | undefined {
    if (this.running) {
      this.dirty = true;
      return undefined;
    }
    clearImmediate(this.immediate);
    this.immediate = undefined;
    this.running = true;
    this.roundCount += 1;
    const started = Date.now();
    let summary: RoundSummary | undefined;
    let retryInMs: number | undefined;
    try {
      summary = this.store.transaction((tx) => {
        // Revisions go up by one per commit, so this is the revision the round commits as.
        this.ownRevision = tx.revision + 1;
        return runStoreRound(tx, { now: this.now(), newId: this.newId }, { maxTasks: this.maxTasksPerRound });
      });
      this.consecutiveFailures = 0;
      this.backoffUntil = 0;
    } catch (error) {
      retryInMs = this.fail(error);
    } finally {
      // The commit's events were delivered before transaction() returned; a later commit with
      // that revision (the round wrote nothing) is somebody else's.
      this.ownRevision = -1;
      this.running = false;
      this.lastEnd = Date.now();
      this.lastDuration = this.lastEnd - started;
    }
    if (summary !== undefined) this.report(summary);
    if (retryInMs !== undefined) this.request(retryInMs);
    if (summary !== undefined && summary.deferred > 0) this.continueSoon();
    if (this.dirty) {
      this.dirty = false;
      this.request();
    }
    if (this.timer === undefined && this.immediate === undefined) this.wakeIdle();
    return summary;
  }

  /** Resolves once no round is running or due (the periodic one aside); for tests and shutdown. */
  idle(): Promise<void> {
    if (!this.running && this.timer === undefined && this.immediate === undefined && !this.dirty) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  /**
   * Runs the next round after this turn of the event loop: I/O that waited during this round
   * (heartbeats, status reports) is handled first, and timers that fell due meanwhile (the
   * dispatcher's outgoing assignments, the store's writes) run between such rounds.
   */
  private continueSoon(): void {
    if (!this.started) return;
    clearTimeout(this.timer);
    this.timer = undefined;
    // Not unref'd: an unref'd immediate lets the event loop block in its poll phase until some
    // other timer or I/O wakes it, which would stall the chain; the chain is finite anyway.
    this.immediate = setImmediate(() => {
      this.immediate = undefined;
      this.runNow();
    });
  }

  private report(summary: RoundSummary): void {
    if (summary.written > 0) this.log(describe(summary));
    try {
      this.emit('round', summary, this.store.revision);
    } catch (error) {
      this.log(`reconcile: a round listener failed: ${String(error)}`);
    }
  }

  /** Logs a failed round and returns how long to wait before retrying it. */
  private fail(error: unknown): number {
    this.failureCount += 1;
    this.consecutiveFailures += 1;
    const delay = Math.min(this.retryMaxMs, this.retryInitialMs * 2 ** (this.consecutiveFailures - 1));
    this.backoffUntil = Date.now() + delay;
    const message = error instanceof Error ? error.message : String(error);
    this.log(`reconcile: round failed (${message}); retrying in ${delay} ms`);
    try {
      this.emit('failed', error);
    } catch {
      // A listener's failure must not stop the retry.
    }
    return delay;
  }

  private wakeIdle(): void {
    const waiters = this.idleWaiters;
    this.idleWaiters = [];
    for (const wake of waiters) wake();
  }

  private readonly onStack = (change: StackChange): void => {
    if (change.revision !== this.ownRevision) this.request();
  };

  private readonly onTasks = (batch: TaskChangeBatch): void => {
    if (batch.revision !== this.ownRevision && taskChangesMatter(batch.changes)) this.request();
  };

  private readonly onNode = (change: NodeChange): void => {
    if (change.revision !== this.ownRevision && nodeChangeMatters(change)) this.request();
  };
}
