/**
 * reconcile: desired state + the task records + the nodes → a plan of what to create, keep and
 * stop. Pure: ids and the time come from the caller, nothing is read or changed, the same
 * inputs give the same plan. Running it again on the result of applying its plan gives a plan
 * with nothing to create, stop or replace.
 */
import type { NodeInfo } from '@berth/api';
import { placementRequest } from '../placement/placement-request.js';
import { waitingReason, type ServiceProgress } from './dependencies.js';
import { reconcileGlobal } from './global.js';
import { serviceKey, type DesiredState, type Plan, type ReconcileContext, type RoundLimits, type Task } from './model.js';
import { PlanBuilder } from './plan-builder.js';
import { reconcileReplicated } from './replicated.js';
import type { ServiceOutcome, ServiceRound } from './service-round.js';

/** Live tasks (desired `run`) by stack, then service. */
function liveTasks(tasks: readonly Task[]): Map<string, Map<string, Task[]>> {
  const byStack = new Map<string, Map<string, Task[]>>();
  for (const t of tasks) {
    // Tasks already told to stop are the dispatcher's until they are gone.
    if (t.desired !== 'run') continue;
    let services = byStack.get(t.stack);
    if (services === undefined) byStack.set(t.stack, (services = new Map()));
    const list = services.get(t.service);
    if (list === undefined) services.set(t.service, [t]);
    else list.push(t);
  }
  return byStack;
}

/** Holds the unplaced tasks of services whose dependencies are not met yet. */
function gate(outcomes: ReadonlyMap<string, ServiceOutcome>, progress: ReadonlyMap<string, ServiceProgress>, waiting: Map<string, string>): void {
  for (const [name, outcome] of outcomes) {
    const spec = progress.get(name)?.spec;
    if (spec === undefined || Object.keys(spec.dependsOn).length === 0) continue;
    const reason = waitingReason(spec, progress);
    if (reason === undefined) continue;
    for (const t of outcome.created) waiting.set(t.id, reason);
    for (const t of outcome.kept) if (t.nodeId === undefined) waiting.set(t.id, reason);
  }
}

/**
 * Compares desired and actual state and returns what to change; see `Plan`. With
 * `limits.maxTasks`, at most that many tasks are created; the rest are `deferred`.
 */
export function reconcile(
  desired: DesiredState,
  actualTasks: readonly Task[],
  nodes: readonly NodeInfo[],
  ctx: ReconcileContext,
  limits: RoundLimits = {},
): Plan {
  const plan = new PlanBuilder(limits.maxTasks);
  const nodeMap = new Map(nodes.map((n) => [n.id, n]));
  const live = liveTasks(actualTasks);
  const waiting = new Map<string, string>();
  const deployed = new Set<string>();

  for (const stack of desired) {
    const stackName = stack.spec.name;
    if (deployed.has(stackName)) continue;
    deployed.add(stackName);
    const stackTasks = live.get(stackName);
    const outcomes = new Map<string, ServiceOutcome>();
    const progress = new Map<string, ServiceProgress>();
    for (const [name, service] of Object.entries(stack.services)) {
      const round: ServiceRound = {
        stack: stackName,
        name,
        desired: service,
        req: placementRequest(serviceKey(stackName, name), service.spec),
        tasks: stackTasks?.get(name) ?? [],
        nodes: nodeMap,
        nodeList: nodes,
        ctx,
        plan,
      };
      const outcome = service.spec.deploy.mode === 'global' ? reconcileGlobal(round) : reconcileReplicated(round);
      outcomes.set(name, outcome);
      progress.set(name, { spec: service.spec, kept: outcome.kept, creating: outcome.created.length > 0 || outcome.deferred > 0 });
    }
    gate(outcomes, progress, waiting);
    for (const [name, tasks] of stackTasks ?? []) {
      if (Object.hasOwn(stack.services, name)) continue;
      for (const t of tasks) plan.stopTask(t, 'service removed');
    }
  }
  for (const [stackName, services] of live) {
    if (deployed.has(stackName)) continue;
    for (const tasks of services.values()) for (const t of tasks) plan.stopTask(t, 'stack removed');
  }

  const unassigned = [...plan.keptPending, ...plan.place].filter((t) => !waiting.has(t.id));
  return { place: plan.place, keep: plan.keep, stop: plan.stop, replace: plan.replace, waiting, unassigned, deferred: plan.deferred };
}
