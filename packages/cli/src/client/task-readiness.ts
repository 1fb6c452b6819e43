/**
 * Whether one task is ready (running, and healthy if it is checked), still on its way, or has
 * failed for good, with a reason a person can act on. Pure: `up --wait` and the progress
 * display both read it.
 *
 * Choices:
 * - A task that exited 0 under a policy that will not restart it (`no`, `on-failure`) has done
 *   its job (a one-shot migration, say): it counts as ready.
 * - An ended run is final when the restart policy will not restart it: `no`, or `maxAttempts`
 *   restarts used up. Otherwise the agent restarts it and the task is still on its way.
 * - A task that failed to start (never ran) after {@link START_FAILURE_LIMIT} restarts has
 *   failed: a missing image or a taken port does not fix itself while we wait.
 * - A pending task placement found no node for fails only after it has been unplaceable for
 *   the caller's grace, since the daemon's own agent may register a moment after a deploy.
 */
import type { TaskView } from './control-api.js';
import type { ServiceExpectation } from './service-expectations.js';

/** Restarts after which a task that never reached `running` is taken as failed. */
export const START_FAILURE_LIMIT = 2;

/** A task's readiness: `reason` says what it waits for or why it failed. */
export type Readiness =
  | { kind: 'ready' }
  | { kind: 'waiting'; reason: string }
  | { kind: 'failed'; reason: string };

/** What readiness needs besides the task. */
export interface ReadinessContext {
  now: number;
  /** When each unplaceable pending task was first seen so (see {@link trackUnplaceable}). */
  unplaceableSince: ReadonlyMap<string, number>;
  /** How long a task may stay unplaceable before it counts as failed (ms). */
  unplaceableGraceMs: number;
}

/** True for a pending task placement found no node for (as opposed to one held by `depends_on`). */
export function isUnplaceable(task: TaskView): boolean {
  if (task.state !== 'pending' || task.nodeId !== undefined) return false;
  const reason = task.message;
  return reason !== '' && !reason.startsWith('waiting for ');
}

/** Updates the first-seen times of unplaceable tasks: new ones start at `now`, others are dropped. */
export function trackUnplaceable(previous: ReadonlyMap<string, number>, tasks: readonly TaskView[], now: number): Map<string, number> {
  const next = new Map<string, number>();
  for (const t of tasks) if (isUnplaceable(t)) next.set(t.id, previous.get(t.id) ?? now);
  return next;
}

/** The readiness of `task`, whose service expects `service` (undefined when not in the spec). */
export function taskReadiness(task: TaskView, service: ServiceExpectation | undefined, ctx: ReadinessContext): Readiness {
  switch (task.state) {
    case 'running':
      return runningReadiness(task, service);
    case 'pending': {
      const reason = task.message;
      if (!isUnplaceable(task)) return { kind: 'waiting', reason: reason === '' ? 'waiting for a node' : reason };
      const since = ctx.unplaceableSince.get(task.id) ?? ctx.now;
      return ctx.now - since >= ctx.unplaceableGraceMs ? { kind: 'failed', reason } : { kind: 'waiting', reason };
    }
    case 'exited':
    case 'failed':
      return endedReadiness(task, service);
    case 'lost':
      return { kind: 'waiting', reason: 'node lost contact; the task will be replaced' };
    case 'stopped':
      return { kind: 'waiting', reason: withMessage('stopped', task.message) };
    default:
      return { kind: 'waiting', reason: withMessage(task.state, task.message) };
  }
}

function runningReadiness(task: TaskView, service: ServiceExpectation | undefined): Readiness {
  const { health, message } = task;
  if (health === 'healthy') return { kind: 'ready' };
  if (health === 'none') {
    return service?.healthcheck === true ? { kind: 'waiting', reason: 'running, health not reported yet' } : { kind: 'ready' };
  }
  if (health === 'starting') return { kind: 'waiting', reason: 'running, health check starting' };
  return { kind: 'waiting', reason: withMessage('running but unhealthy', message) };
}

function endedReadiness(task: TaskView, service: ServiceExpectation | undefined): Readiness {
  const { state, exitCode, restarts, message } = task;
  // The agent reports a start that failed (image missing, port taken) as `failed` without an exit code.
  const neverStarted = state === 'failed' && exitCode === undefined;
  const what = neverStarted ? 'failed to start' : `exited with code ${exitCode ?? '?'}`;
  const policy = service?.restart;
  const restartsAgain =
    policy !== undefined &&
    (policy.condition === 'any' || policy.condition === 'unless-stopped' || (policy.condition === 'on-failure' && exitCode !== 0)) &&
    (policy.maxAttempts === 0 || restarts < policy.maxAttempts);
  if (state === 'exited' && exitCode === 0 && !restartsAgain) return { kind: 'ready' };
  // The agent's message already says what happened and what its policy does about it.
  if (!restartsAgain) return { kind: 'failed', reason: message === '' ? what : message };
  if (neverStarted && restarts >= START_FAILURE_LIMIT) {
    return { kind: 'failed', reason: withMessage(`failed to start ${restarts + 1} times`, message) };
  }
  return { kind: 'waiting', reason: message === '' ? `${what}, restarting` : message };
}

function withMessage(what: string, message: string): string {
  return message === '' ? what : `${what}: ${message}`;
}
