/**
 * The life of one task on the agent, as a value: its state, when it entered each state, and
 * which run it is on.
 *
 *   run n:  assigned → preparing → starting → running → exited | failed  (→ stopped)
 *                                                             │ restart: beginRun()
 *   run n+1:            preparing | starting → running → …   ◀┘   (restarts + 1)
 *
 * Within a run the state only moves forward (steps may be skipped: a failed start goes from
 * `starting` straight to `failed`). `stopped` ranks after `exited` and `failed`, because a user's
 * stop is the last word: a task waiting out a restart backoff in `failed` can still be stopped.
 * Going back (to `starting` after an exit) is only possible by beginning a new run, which is
 * what a restart is. `pending` and `lost` are the scheduler's states; the agent never enters them.
 */
import type { TaskState } from '@berth/api';

/** The states the agent moves a task through. */
export type AgentTaskState = Exclude<TaskState, 'pending' | 'lost'>;

/** Position of each state within a run; a move must go to a higher rank. */
const RANK: Readonly<Record<AgentTaskState, number>> = {
  assigned: 0,
  preparing: 1,
  starting: 2,
  running: 3,
  exited: 4,
  failed: 4,
  stopped: 5,
};

/** A task's life so far. Immutable: every change returns a new value. */
export interface Lifecycle {
  readonly state: AgentTaskState;
  /** When the task last entered each state (epoch ms), across runs. */
  readonly stateTimes: Readonly<Partial<Record<TaskState, number>>>;
  /** Restarts so far: runs begun by the restart policy (carried over when a workload is adopted). */
  readonly restarts: number;
  /** True once the current run has ended (exited, failed or stopped). */
  readonly ended: boolean;
}

/** Result of {@link advance}: the new lifecycle, or why the move was refused. */
export type AdvanceResult =
  | { ok: true; lifecycle: Lifecycle }
  | { ok: false; reason: string };

/** A new task's lifecycle: `assigned` at `now`, with `restarts` already counted (adoption). */
export function initialLifecycle(now: number, restarts = 0): Lifecycle {
  return { state: 'assigned', stateTimes: { assigned: now }, restarts, ended: false };
}

/** True for a state that ends a run. */
export function isRunEnd(state: AgentTaskState): boolean {
  return RANK[state] >= RANK.exited;
}

/** Moves to `next` at `now` if that is forward within the current run. */
export function advance(current: Lifecycle, next: TaskState, now: number): AdvanceResult {
  if (next === 'pending' || next === 'lost') {
    return { ok: false, reason: `the agent never moves a task to ${next}` };
  }
  if (RANK[next] <= RANK[current.state]) {
    return { ok: false, reason: `${current.state} → ${next} is not forward within a run` };
  }
  return {
    ok: true,
    lifecycle: {
      state: next,
      stateTimes: { ...current.stateTimes, [next]: now },
      restarts: current.restarts,
      ended: isRunEnd(next),
    },
  };
}

/** The states a new run can begin in: `preparing`, or `starting` when restarting in place. */
export type RunStart = 'preparing' | 'starting';

/**
 * Begins a new run after the current one ended, entering `first` at `now`, with `restarts + 1`
 * when the restart policy started it and not when a user's start did. Refused while the current
 * run has not ended. (`assigned` keeps its time: a restart does not re-assign the task.)
 */
export function beginRun(
  current: Lifecycle,
  first: RunStart,
  now: number,
  cause: 'restart' | 'user-start' = 'restart',
): AdvanceResult {
  if (!current.ended) {
    return { ok: false, reason: `cannot begin a new run while ${current.state}` };
  }
  return {
    ok: true,
    lifecycle: {
      state: first,
      stateTimes: { ...current.stateTimes, [first]: now },
      restarts: current.restarts + (cause === 'restart' ? 1 : 0),
      ended: false,
    },
  };
}
