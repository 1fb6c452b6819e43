/**
 * Host-port conflicts: a published port (same protocol, same host IP, or any IP when either
 * side binds all addresses) already used on the node by another task. Ports without a
 * published number are the engine's to choose and never conflict; a range conflicts only
 * when every port in it is taken.
 */
import type { ClusterLoad } from '../cluster-load.js';
import type { PlacementRequest } from '../placement-request.js';
import { freePort } from '../port-claims.js';
import { nodeCount, type LoadFilter } from './placement-filter.js';

/** Rejects nodes where one of the service's published ports is taken; the cause is its label. */
export const hostPortsFilter: LoadFilter = {
  name: 'host-ports',
  reject(node: number, req: PlacementRequest, _service, load: ClusterLoad): string | undefined {
    if (req.claims.length === 0) return undefined;
    const used = load.ports[node]!;
    if (used.size === 0) return undefined;
    for (const claim of req.claims) {
      if (freePort(used, claim) === undefined) return claim.label;
    }
    return undefined;
  },
  describe(cause, nodes, req) {
    const claim = req.claims.find((c) => c.label === cause);
    const range = claim !== undefined && claim.first !== claim.last;
    return `${range ? 'ports' : 'port'} ${cause} taken on ${nodeCount(nodes)}`;
  },
};
