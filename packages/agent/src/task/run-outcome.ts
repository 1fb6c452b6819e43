/**
 * How a run of a task ended, and the words and state the runner reports for it. Pure: the runner
 * feeds in the driver's exit (or the error that kept the task from starting) and the restart
 * policy's decision.
 */
import type { ExitResult } from '../runtime/runtime.js';
import type { ExitReason, RestartDecision } from '../restart/tracker.js';

/** The end of one run: the workload exited, or it never got going (prepare/start failed). */
export type RunEnd =
  | { kind: 'exit'; exit: ExitResult; reason: ExitReason }
  | { kind: 'start-failed'; message: string };

/**
 * Exit code the restart policy sees for a task that never started: non-zero (so `on-failure`
 * retries it) and not a code a process can end with, so it reads as "no real exit".
 */
export const START_FAILED_EXIT_CODE = -1;

/** Why the workload ended: killed by the runner for its health, out of memory, or on its own. */
export function exitReasonOf(exit: ExitResult, killedForHealth: boolean): ExitReason {
  if (killedForHealth) return 'unhealthy';
  return exit.oomKilled ? 'oom' : 'exit';
}

/** The state a run ends in: `exited` for a clean exit (code 0, on its own), `failed` otherwise. */
export function endStateOf(end: RunEnd): 'exited' | 'failed' {
  return end.kind === 'exit' && end.reason === 'exit' && end.exit.exitCode === 0 ? 'exited' : 'failed';
}

/** The exit code the policy sees for `end`. */
export function exitCodeOf(end: RunEnd): number {
  return end.kind === 'exit' ? end.exit.exitCode : START_FAILED_EXIT_CODE;
}

/**
 * The status message after `end`: the policy's sentence (`exited with code 1; restarting in
 * 100 ms`), with the runtime's own words in parentheses when it had any; for a failed start the
 * error's message takes the place of the exit (`image x not found; restarting in 100 ms`).
 */
export function endMessage(end: RunEnd, decision: RestartDecision): string {
  if (end.kind === 'start-failed') return `${end.message}; ${policyPart(decision.reason)}`;
  const runtime = end.exit.message;
  return runtime ? `${decision.reason} (${runtime})` : decision.reason;
}

/**
 * The policy half of a decision's reason. RestartTracker words every reason as
 * `<what happened>; <what the policy does>` and `<what happened>` never holds `; `, so the part
 * after the first `; ` is the policy's (for a failed start, "exited with code -1" is not true).
 */
export function policyPart(reason: string): string {
  const at = reason.indexOf('; ');
  return at < 0 ? reason : reason.slice(at + 2);
}

/** The message of any thrown value. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return typeof err === 'string' ? err : String(err);
}
