/**
 * Which nodes a batch of task changes concerns, pure. Only what an agent is told matters: where
 * a task runs, that it should run, and what it is (stack, service, slot, spec hash). Status
 * reports, pending reasons and bookkeeping change nothing an agent needs, so the flood of
 * status updates sends nothing back.
 */
import type { TaskChange } from '../store/store-events.js';
import type { TaskRecord } from '../store/store-records.js';

/** Node id → ids of tasks whose assignment to that node may have changed. */
export type TouchedTasks = Map<string, Set<string>>;

/**
 * The tasks each node must hear about after `changes`: a node loses a task it ran (moved away,
 * desired `stop`, removed) and gains one it did not run or whose identity or spec changed.
 * `into` is added to (and returned), so several batches can be gathered before sending.
 */
export function touchedTasks(changes: readonly TaskChange[], into: TouchedTasks = new Map()): TouchedTasks {
  for (const { id, task, previous } of changes) {
    const before = runningNode(previous);
    const after = runningNode(task);
    if (before !== undefined && before !== after) touch(into, before, id);
    if (after !== undefined && (before !== after || !sameAssignment(previous, task))) touch(into, after, id);
  }
  return into;
}

/** The node `task` should be running on, if any. */
function runningNode(task: TaskRecord | undefined): string | undefined {
  return task?.desired === 'run' ? task.nodeId : undefined;
}

function sameAssignment(a: TaskRecord | undefined, b: TaskRecord | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  return (
    a.stack === b.stack &&
    a.service === b.service &&
    a.slot === b.slot &&
    a.specHash === b.specHash &&
    a.generation === b.generation
  );
}

function touch(into: TouchedTasks, nodeId: string, taskId: string): void {
  let ids = into.get(nodeId);
  if (ids === undefined) into.set(nodeId, (ids = new Set()));
  ids.add(taskId);
}
