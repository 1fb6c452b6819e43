/**
 * One scheduling round: reconcile, then place the tasks that need a node among the tasks that
 * stay. Tasks the plan stops are assumed to release their ports and reservations before their
 * replacements start (the dispatcher stops first), so they do not count against placement.
 * `limits.maxTasks` caps both what reconcile creates and what placement assigns.
 */
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { place, type PlacementResult, type ServiceSpecs } from '../placement/place.js';
import { serviceKey, type DesiredState, type Plan, type ReconcileContext, type RoundLimits, type ServiceKey, type Task } from './model.js';
import { reconcile } from './reconcile.js';

/** A round's plan and where its unassigned tasks go. */
export interface Round {
  plan: Plan;
  placement: PlacementResult;
}

/** Every deployed service spec by `stack/service` key. */
export function deployedServices(desired: DesiredState): ServiceSpecs {
  const specs = new Map<ServiceKey, ServiceSpec>();
  for (const stack of desired) {
    for (const [name, service] of Object.entries(stack.services)) specs.set(serviceKey(stack.spec.name, name), service.spec);
  }
  return specs;
}

/** Runs reconcile and placement for the whole cluster. Pure, like both of them. */
export function schedule(
  desired: DesiredState,
  actualTasks: readonly Task[],
  nodes: readonly NodeInfo[],
  ctx: ReconcileContext,
  limits: RoundLimits = {},
): Round {
  const plan = reconcile(desired, actualTasks, nodes, ctx, limits);
  // Every live task is kept or stopped: the placed ones not stopped stay. (A set of the few
  // stopped ids, not of the many kept ones: this runs over every task, every round.)
  const stopping = new Set(plan.stop.map((s) => s.taskId));
  const staying = actualTasks.filter((t) => t.nodeId !== undefined && t.desired === 'run' && !stopping.has(t.id));
  const options = limits.maxTasks === undefined ? {} : { maxAssignments: limits.maxTasks };
  return { plan, placement: place(plan.unassigned, nodes, staying, deployedServices(desired), options) };
}

/** How many tasks `round` left to a later round (not created, or not tried by placement). */
export function deferredTasks(round: Round): number {
  return round.plan.deferred + round.placement.deferred.size;
}
