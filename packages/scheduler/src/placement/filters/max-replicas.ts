/** `deploy.placement.max_replicas_per_node`: at most that many tasks of the service per node. */
import type { PlacementRequest } from '../placement-request.js';
import type { ServiceLoad } from '../cluster-load.js';
import { nodeCount, verb, type LoadFilter } from './placement-filter.js';

/** Rejects nodes already running the service's maximum per node (0 = no maximum). */
export const maxReplicasFilter: LoadFilter = {
  name: 'max-replicas',
  reject(node: number, req: PlacementRequest, service: ServiceLoad): string | undefined {
    return req.maxPerNode > 0 && service.perNode[node]! >= req.maxPerNode ? 'full' : undefined;
  },
  describe(_cause, nodes, req) {
    return `${nodeCount(nodes)} already ${verb(nodes, 'runs', 'run')} max_replicas_per_node (${req.maxPerNode})`;
  },
};
