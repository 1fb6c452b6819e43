/**
 * Replicated mode: exactly slots 1..replicas. A missing slot gets a new task; slots above
 * `replicas` are stopped (so scaling down stops the highest); a slot whose task runs an older
 * spec, or sits on a node it cannot stay on, gets a replacement task in the same slot (a task on
 * a down node waits for its lease to run out first: see residency.ts). Past the round's cap on
 * new tasks, a missing slot waits for a later round and a task due for replacement is kept.
 */
import type { Task } from './model.js';
import { newTask } from './new-task.js';
import { whyMove } from './residency.js';
import type { ServiceOutcome, ServiceRound } from './service-round.js';
import { slotKeeper } from './slot-keeper.js';

/** Reconciles one replicated service. */
export function reconcileReplicated(r: ServiceRound): ServiceOutcome {
  const { stack, name, desired, plan } = r;
  const replicas = Math.max(0, Math.floor(desired.spec.deploy.replicas));
  const bySlot = new Map<number, Task[]>();
  for (const t of r.tasks) {
    if (t.forNode !== undefined || t.slot < 1) plan.stopTask(t, 'mode changed');
    else if (t.slot > replicas) plan.stopTask(t, 'scaled down');
    else {
      const group = bySlot.get(t.slot);
      if (group === undefined) bySlot.set(t.slot, [t]);
      else group.push(t);
    }
  }
  const keepRunning = desired.spec.berth.keepRunningWhenDisconnected;
  const moveReason = (t: Task): ReturnType<typeof whyMove> => whyMove(t, r.nodes, r.req, keepRunning);
  const out: ServiceOutcome = { kept: [], created: [], deferred: 0 };
  for (let slot = 1; slot <= replicas; slot++) {
    const group = bySlot.get(slot);
    if (group === undefined) {
      if (!plan.mayCreate()) {
        out.deferred += 1;
        continue;
      }
      const fresh = newTask({ stack, service: name, slot }, desired, r.ctx);
      plan.create(fresh);
      out.created.push(fresh);
      continue;
    }
    const { keeper, duplicates } = slotKeeper(group, desired.hash, moveReason);
    for (const d of duplicates) plan.stopTask(d, 'duplicate');
    const reason = keeper.specHash !== desired.hash ? 'spec changed' : moveReason(keeper);
    if (reason === undefined) {
      plan.keepTask(keeper);
      out.kept.push(keeper);
    } else if (!plan.mayCreate()) {
      plan.holdTask(keeper);
      out.kept.push(keeper);
      out.deferred += 1;
    } else {
      const fresh = newTask({ stack, service: name, slot }, desired, r.ctx);
      plan.replaceTask(keeper, fresh, reason);
      out.created.push(fresh);
    }
  }
  return out;
}
