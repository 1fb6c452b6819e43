/** The runtime driver a service needs (`x-berth.driver`) must be available on the node. */
import type { NodeInfo } from '@berth/api';
import type { PlacementRequest } from '../placement-request.js';
import { nodeCount, verb, type NodeFilter } from './placement-filter.js';

/** Rejects nodes whose agent does not report the service's driver as available. */
export const driverFilter: NodeFilter = {
  name: 'driver',
  reject(node: NodeInfo, req: PlacementRequest): string | undefined {
    for (const d of node.drivers) if (d.name === req.driver && d.available) return undefined;
    return 'missing';
  },
  describe(_cause, nodes, req) {
    return `${nodeCount(nodes)} ${verb(nodes, 'lacks', 'lack')} driver ${req.driver}`;
  },
};
