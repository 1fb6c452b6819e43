/**
 * What the state store keeps: the scheduler's domain types (`DesiredStack`, `Task`, `NodeInfo`)
 * plus the store's bookkeeping. Each record extends its domain type, so a record can be handed
 * to reconcile or placement as it is, and writing a record back ignores the bookkeeping.
 */
import type { DesiredTaskState, NodeInfo, TaskStatus } from '@berth/api';
import type { DesiredStack, Task } from '../reconcile/model.js';

/** One deployed stack as stored; `revision` is the store revision that last wrote it. */
export interface StackRecord extends DesiredStack {
  /** The stack's name (`spec.name`), its key in the store. */
  readonly name: string;
  readonly revision: number;
}

/** One task as stored; `revision` is the store revision that last wrote it. */
export interface TaskRecord extends Task {
  /** When the store last wrote the record (epoch ms, from the store's clock). */
  readonly updatedAt: number;
  readonly revision: number;
}

/** One node as stored; `revision` is the store revision that last wrote it. */
export interface NodeRecord extends NodeInfo {
  /** When the scheduler last heard from the node (epoch ms). */
  readonly lastHeartbeatAt: number;
  readonly revision: number;
}

/**
 * The fields of a task `updateTask` may change (identity fields need `putTask`). A key present
 * with the value undefined clears an optional field, as object spread does.
 */
export interface TaskPatch {
  nodeId?: string | undefined;
  desired?: DesiredTaskState;
  status?: TaskStatus;
  pendingReason?: string | undefined;
}

/** The fields of a node `updateNode` may change (everything but its id). */
export type NodePatch = Partial<Omit<NodeInfo, 'id'>>;
