/**
 * Resource reservations: the reservations of the tasks already on a node plus this one must
 * fit the node's CPUs and memory. Limits are not counted: they cap a task, they do not hold
 * anything back for it.
 */
import type { ClusterLoad } from '../cluster-load.js';
import type { PlacementRequest } from '../placement-request.js';
import { nodeCount, type LoadFilter } from './placement-filter.js';

const MIB = 1024 * 1024;
const GIB = 1024 * MIB;

/** Bytes as the messages show them: `512 MiB`, `1.5 GiB`, `300 bytes`. */
export function formatBytes(bytes: number): string {
  if (bytes >= GIB) return `${+(bytes / GIB).toFixed(2)} GiB`;
  if (bytes >= MIB) return `${+(bytes / MIB).toFixed(2)} MiB`;
  return `${bytes} bytes`;
}

/** Rejects nodes whose free (unreserved) CPU or memory is less than the service reserves. */
export const resourcesFilter: LoadFilter = {
  name: 'resources',
  reject(node: number, req: PlacementRequest, _service, load: ClusterLoad): string | undefined {
    if (req.milliCpus > 0 && load.reservedMilliCpus[node]! + req.milliCpus > load.capacityMilliCpus[node]!) {
      return 'cpu';
    }
    if (req.memoryBytes > 0 && load.reservedMemory[node]! + req.memoryBytes > load.capacityMemory[node]!) {
      return 'memory';
    }
    return undefined;
  },
  describe(cause, nodes, req) {
    const needs = cause === 'cpu' ? `${req.milliCpus / 1000} cpus` : formatBytes(req.memoryBytes);
    return `not enough free ${cause} on ${nodeCount(nodes)} (needs ${needs})`;
  },
};
