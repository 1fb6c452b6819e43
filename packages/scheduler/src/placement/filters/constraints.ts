/**
 * `deploy.placement.constraints`: `node.id`, `node.hostname` (the node's name), `node.role`,
 * `node.labels.<key>` and `engine.labels.<key>` (the same labels), with `==` or `!=`. Values
 * match exactly. A field the node has no value for never equals anything, so `==` rejects it
 * and `!=` accepts it.
 */
import type { NodeInfo, PlacementConstraint } from '@berth/api';
import type { PlacementRequest } from '../placement-request.js';
import { labelKey, nodeFieldValue } from '../node-fields.js';
import { nodeCount, verb, type NodeFilter } from './placement-filter.js';

/** Whether `node` satisfies one constraint. */
export function satisfies(node: NodeInfo, c: PlacementConstraint): boolean {
  const equal = nodeFieldValue(node, c.field) === c.value;
  return c.op === '==' ? equal : !equal;
}

/**
 * Rejects nodes failing any constraint; the cause is the first failed one's position. (A node
 * filter runs once per service and node, so making that string costs nothing that matters.)
 */
export const constraintsFilter: NodeFilter = {
  name: 'constraints',
  reject(node: NodeInfo, req: PlacementRequest): string | undefined {
    const cs = req.constraints;
    for (let i = 0; i < cs.length; i++) {
      if (!satisfies(node, cs[i]!)) return String(i);
    }
    return undefined;
  },
  describe(cause, nodes, req) {
    const c = req.constraints[Number(cause)];
    if (c === undefined) return `${nodeCount(nodes)} fail a constraint`;
    const label = labelKey(c.field);
    if (label !== undefined) {
      return c.op === '=='
        ? `${nodeCount(nodes)} ${verb(nodes, 'lacks', 'lack')} label ${label}=${c.value}`
        : `${nodeCount(nodes)} ${verb(nodes, 'has', 'have')} label ${label}=${c.value}`;
    }
    return `${nodeCount(nodes)} ${verb(nodes, 'fails', 'fail')} ${c.field} ${c.op} ${c.value}`;
  },
};
