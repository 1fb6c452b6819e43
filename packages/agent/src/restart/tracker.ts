/**
 * The restart policy of one task, as a small state machine the task runner feeds with starts and
 * exits. It decides *whether* and *when* to restart; the runner owns timers and the runtime.
 *
 *   started(now) ──▶ run ──▶ exited({exitCode, now, reason}) ──▶ RestartDecision
 *        ▲                                                          │ restart after delayMs
 *        └──────────────────────────────────────────────────────────┘
 *
 * Rules (each is a choice; the why is next to it):
 * - `none` never restarts; `on-failure` restarts a non-zero exit, an OOM kill or an unhealthy
 *   kill; `any` and `unless-stopped` restart every exit. Nothing restarts after
 *   {@link RestartTracker.stoppedByUser}. `any` and `unless-stopped` only differ across an agent
 *   restart (whether a user stop is remembered), which is the caller's persistence, not this.
 * - Backoff: see ./backoff.ts. A run that lasted `resetAfterMs` resets the curve (the next restart
 *   is immediate again). A fixed `delayMs` (Compose `deploy.restart_policy.delay`) replaces the
 *   curve entirely, for every restart including the first: the file asked for exactly that wait.
 * - `maxAttempts` bounds *consecutive* restarts. A run "proves" the restart that started it, and
 *   so ends the streak, when it lasts `windowMs` (Swarm's `window`: a restart counts as failed only
 *   if the task exits within the window) or, without a window, `resetAfterMs` (the same point
 *   where the backoff resets).
 */
import {
  DEFAULT_RESTART_BACKOFF,
  type RestartBackoffSettings,
  type RestartPolicySpec,
} from '@berth/api';
import { backoffDelayMs } from './backoff.js';

/** How a run ended, from the task runner's point of view. */
export type ExitReason = 'exit' | 'unhealthy' | 'oom';

/** The end of one run, handed to {@link RestartTracker.exited}. */
export interface TaskExit {
  exitCode: number;
  /** Epoch ms when the run ended. */
  now: number;
  /** `unhealthy` when the runner killed the task for failing its health check. */
  reason: ExitReason;
}

/** What the runner should do after a run ended; `reason` is a sentence for status messages. */
export type RestartDecision =
  | { action: 'restart'; delayMs: number; reason: string }
  | { action: 'give-up'; reason: string };

/** Tracks one task's runs and applies its restart policy and backoff to each exit. */
export class RestartTracker {
  readonly #policy: RestartPolicySpec;
  readonly #backoff: RestartBackoffSettings;
  /** Start of the current run; undefined while the task is not running. */
  #startedAt: number | undefined;
  /** Set between a `restart` decision and the start that carries it out. */
  #restartPending = false;
  #stoppedByUser = false;
  #backoffStep = 0;
  #attempts = 0;
  #restarts = 0;

  /** A tracker for a task with this policy and backoff tuning. */
  constructor(
    policy: RestartPolicySpec,
    backoff: RestartBackoffSettings = DEFAULT_RESTART_BACKOFF,
  ) {
    this.#policy = policy;
    this.#backoff = backoff;
  }

  /** Restarts carried out so far (for status reports); never reset. */
  get restarts(): number {
    return this.#restarts;
  }

  /** Consecutive restarts of the current streak, the number `maxAttempts` bounds. */
  get attempts(): number {
    return this.#attempts;
  }

  /**
   * The task's process started at `now`. A start the tracker asked for counts as a restart; any
   * other start (the first, or a user's start after a stop or a give-up) begins a fresh streak.
   */
  started(now: number): void {
    if (this.#startedAt !== undefined) throw new Error('RestartTracker.started(): already running');
    if (this.#restartPending) {
      this.#restarts += 1;
    } else {
      this.#backoffStep = 0;
      this.#attempts = 0;
    }
    this.#restartPending = false;
    this.#stoppedByUser = false;
    this.#startedAt = now;
  }

  /** The user asked for the task to stop: its coming exit (or a pending restart) is final. */
  stoppedByUser(): void {
    this.#stoppedByUser = true;
    this.#restartPending = false;
  }

  /** The current run ended; decide whether and when to start the task again. */
  exited(exit: TaskExit): RestartDecision {
    if (this.#startedAt === undefined) throw new Error('RestartTracker.exited(): not running');
    // A clock that stepped backwards reads as a run of zero length, the cautious reading.
    const ranMs = Math.max(0, exit.now - this.#startedAt);
    this.#startedAt = undefined;

    if (ranMs >= this.#backoff.resetAfterMs) this.#backoffStep = 0;
    const provenAfterMs =
      this.#policy.windowMs > 0 ? this.#policy.windowMs : this.#backoff.resetAfterMs;
    if (ranMs >= provenAfterMs) this.#attempts = 0;

    const what = describeExit(exit);
    const refusal = this.#refusal(exit);
    if (refusal !== undefined) return { action: 'give-up', reason: `${what}; ${refusal}` };

    const max = this.#policy.maxAttempts;
    if (max > 0 && this.#attempts >= max) {
      return { action: 'give-up', reason: `${what}; ${this.#gaveUp()}` };
    }

    const delayMs = this.#policy.delayMs ?? backoffDelayMs(this.#backoffStep, this.#backoff);
    this.#backoffStep += 1;
    this.#attempts += 1;
    this.#restartPending = true;
    const of = max > 0 ? ` (attempt ${this.#attempts} of ${max})` : '';
    return { action: 'restart', delayMs, reason: `${what}; restarting in ${delayMs} ms${of}` };
  }

  /** Why the condition forbids restarting after `exit`, or undefined when it allows it. */
  #refusal(exit: TaskExit): string | undefined {
    if (this.#stoppedByUser) return 'stopped by user';
    switch (this.#policy.condition) {
      case 'none':
        return 'not restarted (restart policy "none")';
      case 'on-failure':
        // An OOM kill or an unhealthy kill is a failure whatever code the process ended with.
        return exit.reason === 'exit' && exit.exitCode === 0
          ? 'not restarted (on-failure restarts only failures)'
          : undefined;
      case 'any':
      case 'unless-stopped':
        return undefined;
    }
  }

  /** The give-up sentence for a spent `maxAttempts`, naming the policy as the file wrote it. */
  #gaveUp(): string {
    const { condition, maxAttempts, windowMs } = this.#policy;
    const policy =
      condition === 'on-failure'
        ? `on-failure:${maxAttempts}`
        : `${condition}, max_attempts ${maxAttempts}`;
    const window = windowMs > 0 ? `, window ${windowMs} ms` : '';
    const noun = maxAttempts === 1 ? 'restart' : 'restarts';
    return `gave up after ${maxAttempts} ${noun} (${policy}${window})`;
  }
}

/** A run's end in a few words: `exited with code 1`, `killed: out of memory`, `unhealthy`. */
function describeExit(exit: TaskExit): string {
  switch (exit.reason) {
    case 'exit':
      return `exited with code ${exit.exitCode}`;
    case 'oom':
      return `killed: out of memory (code ${exit.exitCode})`;
    case 'unhealthy':
      return `killed: unhealthy (code ${exit.exitCode})`;
  }
}
