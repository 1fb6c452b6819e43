/**
 * Global mode: one task per eligible node — ready, active, with the service's driver and
 * passing its constraints. A node that becomes eligible gets a task; a task whose node is
 * down, drained, gone or no longer eligible is stopped (it is not moved: it belongs to that
 * node); a task on a paused node stays, even when its spec is out of date, since no new task
 * could start there. A task on a down node stays until its lease runs out (residency.ts), so a
 * node back within the grace plus the fence margin keeps its task. Past the round's cap on new
 * tasks, a node waits for its task until a later round, and a task due for renewal is kept.
 */
import { NODE_FILTERS } from '../placement/filters/filter-pipeline.js';
import type { Task } from './model.js';
import { newTask } from './new-task.js';
import { heldByLease, nodeVerdict, whyMove } from './residency.js';
import type { ServiceOutcome, ServiceRound } from './service-round.js';
import { slotKeeper } from './slot-keeper.js';

/** Reconciles one global service. */
export function reconcileGlobal(r: ServiceRound): ServiceOutcome {
  const { stack, name, desired, plan, req } = r;
  const byNode = new Map<string, Task[]>();
  for (const t of r.tasks) {
    if (t.forNode === undefined) {
      plan.stopTask(t, 'mode changed');
      continue;
    }
    const group = byNode.get(t.forNode);
    if (group === undefined) byNode.set(t.forNode, [t]);
    else group.push(t);
  }
  const out: ServiceOutcome = { kept: [], created: [], deferred: 0 };
  const keepRunning = desired.spec.berth.keepRunningWhenDisconnected;
  // A new task for the node; when `old` is given it replaces that one.
  const renew = (forNode: string, old?: Task, reason: 'spec changed' | 'task lost' = 'spec changed'): void => {
    if (!plan.mayCreate()) {
      if (old !== undefined) {
        plan.holdTask(old);
        out.kept.push(old);
      }
      out.deferred += 1;
      return;
    }
    const fresh = newTask({ stack, service: name, slot: 0, forNode }, desired, r.ctx);
    if (old === undefined) plan.create(fresh);
    else plan.replaceTask(old, fresh, reason);
    out.created.push(fresh);
  };
  for (const [nodeId, group] of byNode) {
    const { keeper, duplicates } = slotKeeper(group, desired.hash, (t) => whyMove(t, r.nodes, req, keepRunning));
    for (const d of duplicates) plan.stopTask(d, 'duplicate');
    const node = r.nodes.get(nodeId);
    if (heldByLease(keeper, node, keepRunning)) {
      plan.keepTask(keeper);
      out.kept.push(keeper);
      continue;
    }
    const away = nodeVerdict(node, req);
    if (away !== undefined) {
      plan.stopTask(keeper, away);
      continue;
    }
    const paused = node?.availability === 'pause';
    if (keeper.status.state === 'lost') {
      if (paused) plan.stopTask(keeper, 'task lost');
      else renew(nodeId, keeper, 'task lost');
    } else if (keeper.specHash !== desired.hash && !paused) {
      renew(nodeId, keeper, 'spec changed');
    } else {
      plan.keepTask(keeper);
      out.kept.push(keeper);
    }
  }
  for (const node of r.nodeList) {
    if (byNode.has(node.id)) continue;
    if (NODE_FILTERS.every((f) => f.reject(node, req) === undefined)) renew(node.id);
  }
  return out;
}
