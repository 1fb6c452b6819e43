/**
 * From what the scheduler link delivers (link/assignment.ts: the wire's fields as domain values)
 * to what the supervisor runs (task descriptors). A descriptor also needs this node's side of
 * things: its id, its address (ports without a host IP bind there) and the directory relative
 * host paths resolve against, which the wire does not carry.
 */
import type { AssignmentSet } from '@berth/api';
import type { TaskDescriptor } from '../runtime/runtime.js';
import type { TaskAssignment, TaskAssignmentSet } from './assignments.js';

/** This node's part of every task descriptor. */
export interface NodeContext {
  nodeId: string;
  nodeAddress: string;
  /** The absolute directory a stack's relative host paths (process working_dir) resolve against. */
  projectDir: (stack: string) => string;
}

/**
 * The supervisor's form of a link assignment set. Secrets and configs are not part of a task
 * descriptor yet (no driver mounts them), so they are not carried over.
 */
export function toTaskAssignmentSet(set: AssignmentSet, node: NodeContext): TaskAssignmentSet {
  const assignments = set.assignments.map((a): TaskAssignment => {
    const task: TaskDescriptor = {
      ref: { taskId: a.taskId, stack: a.stack, service: a.service, slot: a.slot, nodeId: node.nodeId },
      spec: a.spec,
      projectDir: node.projectDir(a.stack),
      nodeAddress: node.nodeAddress,
      networks: a.networks,
      volumes: a.volumes,
    };
    return { task, desiredState: a.desired };
  });
  return { kind: set.kind, revision: set.revision, assignments, removedTaskIds: [...set.removedTaskIds] };
}
