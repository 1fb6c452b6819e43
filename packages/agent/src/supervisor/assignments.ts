/**
 * Assignment sets from the scheduler (as task descriptors: see link-assignments.ts), and what applying one means for the tasks a node has.
 * Pure: `planAssignments` compares the set with what the supervisor currently enforces and lists
 * the actions; the supervisor carries them out.
 *
 * - `complete`: the full desired set. Tasks not in it are removed (stopped, then their workload
 *   removed); tasks in it are added or updated.
 * - `incremental`: the listed assignments are added or updated, `removedTaskIds` are removed.
 *   A task both listed and removed is kept: the assignment is the more specific instruction.
 * - An assignment whose descriptor changed (spec, networks, volumes, …) replaces the task: the
 *   old workload is stopped and removed, the new one started. A changed desired state alone
 *   stops or starts the existing task.
 */
import { canonicalJson, workloadPart, type DesiredTaskState } from '@berth/api';
import type { TaskDescriptor } from '../runtime/runtime.js';

/** One task the node should run (or keep stopped). */
export interface TaskAssignment {
  task: TaskDescriptor;
  desiredState: DesiredTaskState;
}

/** A batch of assignments from the scheduler. */
export interface TaskAssignmentSet {
  kind: 'complete' | 'incremental';
  /** The scheduler's revision of this set; the agent reports the last one applied. */
  revision?: number;
  assignments: TaskAssignment[];
  /** Tasks to stop and forget (incremental sets). */
  removedTaskIds: string[];
}

/** One thing to do to apply a set. */
export type AssignmentAction =
  | { kind: 'add'; assignment: TaskAssignment }
  | { kind: 'replace'; assignment: TaskAssignment }
  | { kind: 'set-desired'; taskId: string; desiredState: DesiredTaskState }
  | { kind: 'remove'; taskId: string };

/** The actions that bring `current` (task id → what is enforced now) to what `set` asks for. */
export function planAssignments(
  current: ReadonlyMap<string, TaskAssignment>,
  set: TaskAssignmentSet,
): AssignmentAction[] {
  // The last assignment of a task id wins, should a set list one twice.
  const wanted = new Map<string, TaskAssignment>();
  for (const a of set.assignments) wanted.set(a.task.ref.taskId, a);

  const actions: AssignmentAction[] = [];
  const removed = new Set(set.removedTaskIds);
  if (set.kind === 'complete') for (const id of current.keys()) if (!wanted.has(id)) removed.add(id);
  for (const id of removed) {
    if (current.has(id) && !wanted.has(id)) actions.push({ kind: 'remove', taskId: id });
  }

  for (const [id, assignment] of wanted) {
    const now = current.get(id);
    if (now === undefined) {
      actions.push({ kind: 'add', assignment });
    } else if (!sameDescriptor(now.task, assignment.task)) {
      actions.push({ kind: 'replace', assignment });
    } else if (now.desiredState !== assignment.desiredState) {
      actions.push({ kind: 'set-desired', taskId: id, desiredState: assignment.desiredState });
    }
  }
  return actions;
}

/**
 * Whether two descriptors describe the same workload: equal except for spec fields that do not
 * change what runs (replicas, update policy, depends_on…; see `workloadPart` in @berth/api).
 */
export function sameDescriptor(a: TaskDescriptor, b: TaskDescriptor): boolean {
  return canonicalJson({ ...a, spec: workloadPart(a.spec) }) === canonicalJson({ ...b, spec: workloadPart(b.spec) });
}
