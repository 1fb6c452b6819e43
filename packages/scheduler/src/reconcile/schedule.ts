/**
 * One scheduling round: reconcile, then place the tasks that need a node among the tasks that
 * stay. Tasks the plan stops are assumed to release their ports and reservations before their
 * replacements start (the dispatcher stops first), so they do not count against placement.
 */
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { place, type PlacementResult, type ServiceSpecs } from '../placement/place.js';
import { serviceKey, type DesiredState, type Plan, type ReconcileContext, type ServiceKey, type Task } from './model.js';
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
export function schedule(desired: DesiredState, actualTasks: readonly Task[], nodes: readonly NodeInfo[], ctx: ReconcileContext): Round {
  const plan = reconcile(desired, actualTasks, nodes, ctx);
  const kept = new Set(plan.keep);
  const staying = actualTasks.filter((t) => t.nodeId !== undefined && kept.has(t.id));
  return { plan, placement: place(plan.unassigned, nodes, staying, deployedServices(desired)) };
}
