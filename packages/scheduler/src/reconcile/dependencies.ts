/**
 * `depends_on` gating. A service's tasks that have no node yet are held pending while any of
 * its dependencies is unmet:
 * - `service_started`: every task of the dependency is running (or has run and exited);
 * - `service_healthy`: every task is running and healthy, or running when the dependency has
 *   no (enabled) health check;
 * - `service_completed_successfully`: every task exited with status 0.
 * A dependency that is still getting tasks this round is unmet. A dependency missing from the
 * stack is unmet when `required`, ignored otherwise. Tasks already placed are never held.
 */
import type { DependencyCondition, ServiceSpec } from '@berth/api';
import type { Task } from './model.js';

/** A service as its dependents see it after this round's decisions. */
export interface ServiceProgress {
  spec: ServiceSpec;
  /** Its live tasks that the round keeps. */
  kept: readonly Task[];
  /** Whether the round creates tasks for it (new slots, replacements), or leaves some to a later round. */
  creating: boolean;
}

function hasHealthcheck(spec: ServiceSpec): boolean {
  return spec.healthcheck !== undefined && !spec.healthcheck.disabled;
}

function taskMeets(task: Task, condition: DependencyCondition, checked: boolean): boolean {
  const { state, health, exitCode } = task.status;
  switch (condition) {
    case 'service_started':
      return state === 'running' || state === 'exited';
    case 'service_healthy':
      return state === 'running' && (!checked || health === 'healthy');
    case 'service_completed_successfully':
      return state === 'exited' && exitCode === 0;
  }
}

/** Whether `dep` meets `condition` now. */
export function conditionMet(dep: ServiceProgress, condition: DependencyCondition): boolean {
  if (dep.creating) return false;
  const checked = hasHealthcheck(dep.spec);
  return dep.kept.every((t) => taskMeets(t, condition, checked));
}

/**
 * Why `spec`'s unplaced tasks must wait, e.g. `waiting for db (service_healthy)`, or undefined
 * when every dependency is met. `services` holds the progress of the stack's services by name.
 */
export function waitingReason(spec: ServiceSpec, services: ReadonlyMap<string, ServiceProgress>): string | undefined {
  const unmet: string[] = [];
  for (const [name, dep] of Object.entries(spec.dependsOn)) {
    const progress = services.get(name);
    const met = progress === undefined ? !dep.required : conditionMet(progress, dep.condition);
    if (!met) unmet.push(`${name} (${dep.condition})`);
  }
  return unmet.length === 0 ? undefined : `waiting for ${unmet.join(', ')}`;
}
