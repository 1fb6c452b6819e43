/**
 * `up --wait`'s decision, given the stack's tasks: done (every service has its tasks and every
 * task is ready), failed (some task failed for good), or still pending; with, per task or
 * service not ready, the reason. Pure: the watcher feeds it a fresh task list on each poll.
 */
import { taskName } from '../output/task-name.js';
import type { TaskView } from './control-api.js';
import type { ServiceExpectation } from './service-expectations.js';
import { taskReadiness, type ReadinessContext } from './task-readiness.js';

/** A task (or a service short of tasks) that is not ready, and why. */
export interface NotReady {
  /** `web-2` for a task, `web` for a service missing tasks. */
  name: string;
  reason: string;
  /** True when it failed for good. */
  failed: boolean;
  /** `service` when a service is short of tasks, `task` for one task. */
  scope: 'service' | 'task';
}

/** Where `up --wait` stands. */
export interface WaitDecision {
  outcome: 'done' | 'failed' | 'pending';
  /** Ordered by service then slot; empty when done. */
  notReady: NotReady[];
}

/** What deciding needs besides the tasks: readiness rules, and the tasks the deploy outdated. */
export interface WaitContext extends ReadinessContext {
  /** Tasks listed before the deploy that it replaces (see `outdated-tasks.ts`). */
  outdated?: ReadonlySet<string>;
}

/**
 * The tasks that count: told to run and not outdated by the deploy. Tasks told to stop
 * (replaced, scaled away) are on their way out; outdated ones will be told so next round.
 */
export function currentTasks(tasks: readonly TaskView[], outdated: ReadonlySet<string> = new Set()): TaskView[] {
  return tasks.filter((t) => t.desired === 'run' && !outdated.has(t.id)).sort((a, b) => a.service.localeCompare(b.service) || a.slot - b.slot || a.id.localeCompare(b.id));
}

/** Decides `up --wait` for `tasks` of a stack whose services expect `services`. */
export function decideWait(tasks: readonly TaskView[], services: ReadonlyMap<string, ServiceExpectation>, ctx: WaitContext): WaitDecision {
  const live = currentTasks(tasks, ctx.outdated);
  const notReady: NotReady[] = [];
  for (const [service, expected] of [...services].sort(([a], [b]) => a.localeCompare(b))) {
    const have = live.filter((t) => t.service === service).length;
    const want = expected.replicas ?? 1;
    if (have >= want) continue;
    const reason = expected.replicas === undefined ? 'no task yet (global service)' : `${have} of ${want} task${want === 1 ? '' : 's'} created`;
    notReady.push({ name: service, reason, failed: false, scope: 'service' });
  }
  for (const task of live) {
    const r = taskReadiness(task, services.get(task.service), ctx);
    if (r.kind === 'ready') continue;
    notReady.push({ name: taskName(task), reason: r.reason, failed: r.kind === 'failed', scope: 'task' });
  }
  const outcome = notReady.some((n) => n.failed) ? 'failed' : notReady.length === 0 ? 'done' : 'pending';
  return { outcome, notReady };
}

// Tasks on their way to a first start; a task held by `depends_on` is not: it may wait long.
const STARTING = new Set(['assigned', 'preparing', 'starting']);

/**
 * Whether attached `up` can stop showing progress and start showing logs: the wait is over
 * (done or failed), or every expected task exists and none is still being placed or started.
 */
export function readyToAttach(tasks: readonly TaskView[], decision: WaitDecision, outdated?: ReadonlySet<string>): boolean {
  if (decision.outcome !== 'pending') return true;
  if (decision.notReady.some((n) => n.scope === 'service')) return false;
  return currentTasks(tasks, outdated).every((t) => !STARTING.has(t.state) && !(t.state === 'pending' && !t.message.startsWith('waiting for ')));
}
