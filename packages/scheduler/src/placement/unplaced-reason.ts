/**
 * Why a task found no node: every filter's rejections, counted per cause over the nodes, in
 * filter order, folded into one message such as
 * `no suitable node (2 nodes lack label zone=eu; port 8080 taken on 1 node)`.
 */
import { BerthError, type ErrorCode } from '@berth/api';
import type { LoadFilter, NodeFilter } from './filters/placement-filter.js';
import type { PlacementRequest } from './placement-request.js';

/** How many nodes one filter ruled out for one cause. */
export interface NodeRejections {
  filter: string;
  cause: string;
  nodes: number;
  /** The phrase in the message: `2 nodes lack label zone=eu`. */
  text: string;
}

/** Why a task is unplaced; `code` is stable (`NO_SUITABLE_NODE`). */
export interface UnplacedReason {
  code: Extract<ErrorCode, 'NO_SUITABLE_NODE' | 'NOT_FOUND'>;
  message: string;
  rejections: NodeRejections[];
}

interface Entry {
  filter: NodeFilter | LoadFilter;
  cause: string;
  nodes: number;
}

/** Counts rejections per (filter, cause); one node is counted once, by the first filter that rejected it. */
export class RejectionTally {
  private readonly entries = new Map<string, Entry>();

  /** Counts `nodes` nodes rejected by `filter` for `cause`. */
  add(filter: NodeFilter | LoadFilter, cause: string, nodes = 1): void {
    const key = `${filter.name}\u0000${cause}`;
    const entry = this.entries.get(key);
    if (entry === undefined) this.entries.set(key, { filter, cause, nodes });
    else entry.nodes += nodes;
  }

  /** A copy to add load rejections to without changing the node-only tally it came from. */
  copy(): RejectionTally {
    const c = new RejectionTally();
    for (const e of this.entries.values()) c.add(e.filter, e.cause, e.nodes);
    return c;
  }

  /** The reason for a task of `req`'s service; `filterOrder` sorts the phrases. */
  reason(req: PlacementRequest, filterOrder: readonly (NodeFilter | LoadFilter)[]): UnplacedReason {
    const rank = (f: NodeFilter | LoadFilter): number => filterOrder.indexOf(f);
    // Map order is first-seen order within a filter; a stable sort keeps it.
    const rejections = [...this.entries.values()]
      .sort((a, b) => rank(a.filter) - rank(b.filter))
      .map((e) => ({
        filter: e.filter.name,
        cause: e.cause,
        nodes: e.nodes,
        text: e.filter.describe(e.cause, e.nodes, req),
      }));
    const detail = rejections.length === 0 ? 'no nodes' : rejections.map((r) => r.text).join('; ');
    return { code: 'NO_SUITABLE_NODE', message: `no suitable node (${detail})`, rejections };
  }
}

/** The reason for a task whose service is not among the deployed ones. */
export function unknownServiceReason(key: string): UnplacedReason {
  return { code: 'NOT_FOUND', message: `service ${key} is not deployed`, rejections: [] };
}

/** The reason for a global task whose node has left the cluster. */
export function missingNodeReason(nodeId: string): UnplacedReason {
  return { code: 'NO_SUITABLE_NODE', message: `no suitable node (node ${nodeId} is not in the cluster)`, rejections: [] };
}

/** A `BerthError` carrying the reason's code, message and rejections, for APIs that throw. */
export function unplacedError(taskId: string, reason: UnplacedReason): BerthError {
  return new BerthError(reason.code, reason.message, { context: { taskId, rejections: reason.rejections } });
}

/** The pending reason of a task left for a later round because a round places at most `max` tasks. */
export function deferredReason(max: number): string {
  return `queued for placement (at most ${max} tasks are placed per round)`;
}
