/**
 * Node readiness for new placements: the scheduler must hear from the node (`ready`), and the
 * operator must not have paused or drained it. (Tasks already on a paused node stay; reconcile
 * decides that, this filter only guards new placements.)
 */
import type { NodeInfo } from '@berth/api';
import { nodeCount, type NodeFilter } from './placement-filter.js';

/** Rejects nodes that are down, paused or drained. */
export const nodeReadyFilter: NodeFilter = {
  name: 'node-ready',
  reject(node: NodeInfo): string | undefined {
    if (node.state !== 'ready') return 'down';
    if (node.availability === 'pause') return 'paused';
    if (node.availability === 'drain') return 'drained';
    return undefined;
  },
  describe(cause, nodes) {
    return `${nodeCount(nodes)} ${cause}`;
  },
};
