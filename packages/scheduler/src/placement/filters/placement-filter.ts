/**
 * The two kinds of placement filter. A filter answers "can this node take a task of this
 * service?" with undefined (yes) or a short cause key (no); `describe` turns a cause and the
 * number of nodes it ruled out into a phrase of the `no suitable node (…)` message. Load
 * filters run per task and node, so their causes are strings they already hold (constants, a
 * port claim's label): rejecting allocates nothing on the hot path.
 */
import type { NodeInfo } from '@berth/api';
import type { ClusterLoad, ServiceLoad } from '../cluster-load.js';
import type { PlacementRequest } from '../placement-request.js';

/** A filter that looks at the node alone: run once per service and node per round. */
export interface NodeFilter {
  readonly name: string;
  /** Why `node` cannot take a new task of `req`'s service, or undefined when it can. */
  reject(node: NodeInfo, req: PlacementRequest): string | undefined;
  /** The message phrase for `cause` on `nodes` nodes, e.g. `2 nodes lack label zone=eu`. */
  describe(cause: string, nodes: number, req: PlacementRequest): string;
}

/** A filter that looks at what is already on the node: run per task and node. */
export interface LoadFilter {
  readonly name: string;
  /** Why node index `node` cannot take one more task of `req`'s service, or undefined. */
  reject(node: number, req: PlacementRequest, service: ServiceLoad, load: ClusterLoad): string | undefined;
  /** The message phrase for `cause` on `nodes` nodes, e.g. `port 8080 taken on 1 node`. */
  describe(cause: string, nodes: number, req: PlacementRequest): string;
}

/** `1 node` / `3 nodes`. */
export function nodeCount(n: number): string {
  return n === 1 ? '1 node' : `${n} nodes`;
}

/** Picks the verb form for a count: `lacks` for 1, `lack` otherwise. */
export function verb(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}
