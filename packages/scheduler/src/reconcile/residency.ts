/**
 * Whether a task may stay where it is. Tasks on a paused node stay (pause only stops new
 * placements); tasks on a node that is down, drained, gone, or no longer passes the service's
 * driver and constraint filters must move; a task its agent reports `lost` is given up on.
 */
import type { NodeInfo } from '@berth/api';
import { constraintsFilter } from '../placement/filters/constraints.js';
import { driverFilter } from '../placement/filters/driver.js';
import type { PlacementRequest } from '../placement/placement-request.js';
import type { StopReason, Task } from './model.js';

/** Why a task of `req`'s service cannot stay on `node` (undefined: not in the cluster), or undefined. */
export function nodeVerdict(node: NodeInfo | undefined, req: PlacementRequest): StopReason | undefined {
  if (node === undefined) return 'node gone';
  if (node.state === 'down') return 'node down';
  if (node.availability === 'drain') return 'node drained';
  if (driverFilter.reject(node, req) !== undefined || constraintsFilter.reject(node, req) !== undefined) {
    return 'node no longer eligible';
  }
  return undefined;
}

/**
 * Why `task` cannot stay where it is, or undefined when it can. A global task is judged on the
 * node it exists for, placed or not; a replicated one on its node, and never while pending.
 */
export function whyMove(task: Task, nodes: ReadonlyMap<string, NodeInfo>, req: PlacementRequest): StopReason | undefined {
  if (task.status.state === 'lost') return 'task lost';
  const nodeId = task.forNode ?? task.nodeId;
  return nodeId === undefined ? undefined : nodeVerdict(nodes.get(nodeId), req);
}
