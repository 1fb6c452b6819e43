/**
 * A task's prepare or start, run through the supervisor's gate: the gate bounds how many run at
 * once, so an operation may sit queued for a while, and a stop that comes in meanwhile must not
 * be followed by a start. The attempt says how the run goes on: on (undefined), failed (the
 * driver's error becomes the task's message) or interrupted (a stop or detach cut it short).
 */
import { errorMessage, type RunEnd } from './run-outcome.js';

/**
 * Runs a driver operation that should not run unboundedly in parallel (prepare, start); the
 * supervisor bounds them with a queue and lets restarts of running tasks go first.
 */
export type OperationGate = <T>(kind: 'start' | 'restart', op: () => Promise<T>) => Promise<T>;

/** The gate of a runner without a supervisor: runs every operation at once. */
export const runNow: OperationGate = (_kind, op) => op();

/** The run was cut short by `stop()` or `detach()` before its workload started. */
export const INTERRUPTED = Symbol('interrupted');

/**
 * Runs `op` through `gate`; undefined when it worked, else how the run ends. An operation still
 * queued when `interrupted()` turns true is skipped, so a stop never starts anything.
 */
export async function gatedAttempt(
  gate: OperationGate,
  kind: 'start' | 'restart',
  op: () => Promise<void>,
  interrupted: () => boolean,
): Promise<RunEnd | typeof INTERRUPTED | undefined> {
  try {
    await gate(kind, () => (interrupted() ? Promise.reject(new Error('interrupted')) : op()));
  } catch (err) {
    return interrupted() ? INTERRUPTED : { kind: 'start-failed', message: errorMessage(err) };
  }
  return interrupted() ? INTERRUPTED : undefined;
}
