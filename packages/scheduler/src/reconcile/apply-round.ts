/**
 * What the task store would hold after a round: stopped tasks marked desired `stop`, new tasks
 * added, placed tasks given their node (state `assigned`), unplaced ones (and those placement
 * left to a later round) their pending reason.
 * Pure; the store does the same, and tests use it to run rounds back to back.
 */
import type { Task } from './model.js';
import type { Round } from './schedule.js';

function assign(task: Task, nodeId: string, now: number): Task {
  const { pendingReason: _gone, ...rest } = task;
  return {
    ...rest,
    nodeId,
    status: { ...task.status, state: 'assigned', message: '', stateTimes: { ...task.status.stateTimes, assigned: now } },
  };
}

/** The task list after applying `round` to `tasks` at time `now`. */
export function applyRound(tasks: readonly Task[], round: Round, now: number): Task[] {
  const { plan, placement } = round;
  const stopping = new Set(plan.stop.map((s) => s.taskId));
  const settle = (t: Task): Task => {
    if (stopping.has(t.id)) return { ...t, desired: 'stop' };
    const nodeId = placement.assignments.get(t.id);
    if (nodeId !== undefined) return assign(t, nodeId, now);
    const reason = plan.waiting.get(t.id) ?? placement.unplaced.get(t.id)?.message ?? placement.deferred.get(t.id);
    return reason === undefined || reason === t.pendingReason ? t : { ...t, pendingReason: reason };
  };
  return [...tasks.map(settle), ...plan.place.map(settle)];
}
