/**
 * Replicated mode: exactly slots 1..replicas. A missing slot gets a new task; slots above
 * `replicas` are stopped (so scaling down stops the highest); a slot whose task runs an older
 * spec, or sits on a node it cannot stay on, gets a replacement task in the same slot (a task on
 * a down node waits for its lease to run out first: see residency.ts).
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
  const out: ServiceOutcome = { kept: [], created: [] };
  for (let slot = 1; slot <= replicas; slot++) {
    const group = bySlot.get(slot);
    if (group === undefined) {
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
    } else {
      const fresh = newTask({ stack, service: name, slot }, desired, r.ctx);
      plan.replaceTask(keeper, fresh, reason);
      out.created.push(fresh);
    }
  }
  return out;
}
