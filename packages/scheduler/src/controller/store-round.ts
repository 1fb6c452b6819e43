/**
 * One reconcile round against the store, inside one transaction: read stacks, tasks and nodes,
 * `schedule()` them, and write what `applyRound()` changed. Tasks a round leaves as they were
 * are not written, so a round with nothing to do commits nothing (and emits no events).
 *
 * It also forgets (removes) stopped tasks once nothing is left to wait for. Nobody else removes
 * task records, and without this they would stay listed forever. A task desired `stop` goes when
 * - the agent reported it ended (`stopped`, `exited`, `failed`); or
 * - it has no node (it never left the scheduler: a pending task scaled away, or one held by
 *   `depends_on` when its stack was removed), or its node is no longer in the store; or
 * - its node is ready and nothing was heard of the task for its stop grace period plus
 *   {@link STOP_CONFIRM_MARGIN_MS}: agents stop and *forget* removed tasks, often without a
 *   last status, so silence after the grace is the only confirmation there is.
 * Forgetting is always safe for the workload: the dispatcher only sends tasks desired `run`,
 * so an agent that has not yet stopped one stops it on its next set (a complete set on every
 * reconnect). A task on a node that is down stays, so it is listed until its node is back.
 */
import { BerthError, DEFAULT_STOP_GRACE_PERIOD_MS } from '@berth/api';
import { applyRound } from '../reconcile/apply-round.js';
import type { ReconcileContext, RoundLimits, Task } from '../reconcile/model.js';
import { deferredTasks, schedule } from '../reconcile/schedule.js';
import type { StoreTransaction } from '../store/state-store.js';
import type { TaskRecord } from '../store/store-records.js';

/** What one round did, for logs and tests. */
export interface RoundSummary {
  /** New task records. */
  created: number;
  /** Tasks given a node this round. */
  assigned: number;
  /** Live tasks told to stop. */
  stopped: number;
  /** Tasks without a node held by `depends_on`. */
  waiting: number;
  /** Tasks placement found no node for. */
  unplaced: number;
  /** Stopped task records forgotten (see the module comment). */
  forgotten: number;
  /** Tasks left to the next round by `RoundLimits.maxTasks` (not created yet, or not placed yet). */
  deferred: number;
  /** Task records written (created, changed or removed); 0 means the round committed nothing. */
  written: number;
}

// Ids are time-based and unique per generator; a restarted scheduler whose clock went back
// could meet an old id, so each is checked against the store. A few tries are plenty.
const ID_ATTEMPTS = 8;

/** `newId` wrapped to skip ids the store already holds. */
function freshIds(tx: StoreTransaction, newId: () => string): () => string {
  return () => {
    for (let i = 0; i < ID_ATTEMPTS; i++) {
      const id = newId();
      if (tx.task(id) === undefined) return id;
    }
    throw new BerthError('INTERNAL', `the task id generator gave ${ID_ATTEMPTS} ids already in use`);
  };
}

/**
 * How long after its stop grace period a stopped task on a ready node may stay silent before it
 * is forgotten (ms): room for the stop order to arrive and the process to be reaped.
 */
export const STOP_CONFIRM_MARGIN_MS = 2_000;

/** The stop grace period of `task`'s service, or the default when its stack is gone. */
function stopGraceMs(task: TaskRecord, tx: StoreTransaction): number {
  const spec = tx.stack(task.stack)?.spec.services;
  const service = spec !== undefined && Object.hasOwn(spec, task.service) ? spec[task.service] : undefined;
  return service?.stopGracePeriodMs ?? DEFAULT_STOP_GRACE_PERIOD_MS;
}

/**
 * Whether a stopped task can be dropped at `now` (see the module comment); `task` is as this
 * round leaves it, `stored` as it was before the round.
 */
function finished(task: Task, stored: TaskRecord, tx: StoreTransaction, now: number): boolean {
  if (task.desired !== 'stop') return false;
  const { state } = task.status;
  if (state === 'stopped' || state === 'exited' || state === 'failed') return true;
  const node = task.nodeId === undefined ? undefined : tx.node(task.nodeId);
  if (node === undefined) return true;
  // Silence counts only from the stop order: a task this round stops has just been told to.
  if (stored.desired !== 'stop' || node.state !== 'ready') return false;
  return now - stored.updatedAt > stopGraceMs(stored, tx) + STOP_CONFIRM_MARGIN_MS;
}

/**
 * Runs one round in `tx` (the caller provides the transaction) and reports what it wrote; a
 * round capped by `limits` reports what it left for the next one (`deferred`).
 */
export function runStoreRound(tx: StoreTransaction, ctx: ReconcileContext, limits: RoundLimits = {}): RoundSummary {
  const tasks = tx.tasks();
  const round = schedule(tx.stacks(), tasks, tx.nodes(), { now: ctx.now, newId: freshIds(tx, ctx.newId) }, limits);
  const next = applyRound(tasks, round, ctx.now);
  let written = 0;
  let forgotten = 0;
  for (const [i, task] of next.entries()) {
    const before = tasks[i];
    if (before !== undefined && finished(task, before, tx, ctx.now)) {
      tx.removeTask(task.id);
      forgotten += 1;
      written += 1;
      continue;
    }
    // applyRound hands back the very same object for a task it left alone.
    if (task === before) continue;
    if (before === undefined) tx.putTask(task);
    else tx.updateTask(task.id, { desired: task.desired, nodeId: task.nodeId, status: task.status, pendingReason: task.pendingReason });
    written += 1;
  }
  const { plan, placement } = round;
  return {
    created: plan.place.length,
    assigned: placement.assignments.size,
    stopped: plan.stop.length,
    waiting: plan.waiting.size,
    unplaced: placement.unplaced.size,
    forgotten,
    deferred: deferredTasks(round),
    written,
  };
}
