/**
 * Whether a task may stay where it is. Tasks on a paused node stay (pause only stops new
 * placements); tasks on a node that is drained, gone, or no longer passes the service's driver
 * and constraint filters must move; a task the dispatcher marked `lost` is given up on.
 *
 * A node that is down is cut off, not known to be dead: its agent may still run the task. So a
 * task there stays put until its lease has run out and the dispatcher marks it `lost` (grace +
 * fence margin after the node went silent; by then its agent has stopped it, so no second copy
 * starts while the first still runs). A service with `x-berth.keep_running_when_disconnected`
 * chose availability instead: its agent never stops it, so its tasks move as soon as the node is
 * down, and two copies may run until the node is back.
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
 * Whether `task` waits on its down `node` for its lease to run out instead of moving now: it was
 * placed there (a task never sent to the node cannot be running on it), it is not `lost` yet,
 * and its service (`keepRunning`: its `berth.keepRunningWhenDisconnected`) lets the agent fence it.
 */
export function heldByLease(task: Task, node: NodeInfo | undefined, keepRunning: boolean): boolean {
  return task.nodeId !== undefined && node?.state === 'down' && !keepRunning && task.status.state !== 'lost';
}

/**
 * Why `task` cannot stay where it is, or undefined when it can. A global task is judged on the
 * node it exists for, placed or not; a replicated one on its node, and never while pending.
 * `keepRunning` is the service's `berth.keepRunningWhenDisconnected` (see the module comment).
 */
export function whyMove(
  task: Task,
  nodes: ReadonlyMap<string, NodeInfo>,
  req: PlacementRequest,
  keepRunning: boolean,
): StopReason | undefined {
  if (task.status.state === 'lost') return 'task lost';
  const nodeId = task.forNode ?? task.nodeId;
  if (nodeId === undefined) return undefined;
  const node = nodes.get(nodeId);
  return heldByLease(task, node, keepRunning) ? undefined : nodeVerdict(node, req);
}
