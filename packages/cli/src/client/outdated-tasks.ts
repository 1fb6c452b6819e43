/**
 * Which tasks a deploy has made out of date. Deploy returns before the scheduler's next
 * reconcile round, so for a moment the tasks of an updated service are still the old ones,
 * running and healthy; `up --wait` must not take them for the new ones. Task ids listed before
 * the deploy, of services whose workload changed, are out of date: the reconcile replaces
 * them with new tasks (new ids). Comparing ids needs no clock shared with the daemon.
 */
import type { ServiceChange, TaskView } from './control-api.js';

/**
 * Changed fields that do not change what a task runs, so the tasks stay (the scheduler's
 * `workloadPart` leaves out the same): scaling, how to roll, service labels, start order.
 */
const KEEPS_TASKS = new Set(['deploy.replicas', 'deploy.updateConfig', 'deploy.rollbackConfig', 'deploy.labels', 'dependsOn', 'profiles']);

/** The services whose tasks the deploy replaces: updated in a field that defines the workload, or removed. */
export function replacedServices(changes: readonly ServiceChange[]): Set<string> {
  return new Set(
    changes
      .filter((c) => c.kind === 'removed' || (c.kind === 'updated' && (c.changedFields.length === 0 || c.changedFields.some((f) => !KEEPS_TASKS.has(f)))))
      .map((c) => c.service),
  );
}

/** Ids of the tasks listed before the deploy that belong to a replaced service. */
export function outdatedTaskIds(before: readonly TaskView[], changes: readonly ServiceChange[]): Set<string> {
  const replaced = replacedServices(changes);
  return new Set(before.filter((t) => replaced.has(t.service)).map((t) => t.id));
}
