/**
 * What is already on each node during one placement round: reserved resources, task counts
 * overall and per service, bound host ports, spread-group counts. Built once from the running
 * tasks and updated as each task is placed, so later placements in the round see earlier ones
 * and no check ever scans the task list.
 */
import type { BoundPort, NodeInfo } from '@berth/api';
import type { ServiceKey } from '../reconcile/model.js';
import { type PlacementRequest, toMilliCpus } from './placement-request.js';
import { occupyClaims, type NodePorts } from './port-claims.js';
import { countInGroups, spreadGroups, type SpreadGroups } from './scorers/spread-preferences.js';

/** One service's share of the load. */
export interface ServiceLoad {
  /** Tasks of the service per node index. */
  readonly perNode: Int32Array;
  /** Built on first use by a service with spread preferences. */
  groups: SpreadGroups | undefined;
}

/** The per-node indexes of one placement round; nodes are addressed by their index in `nodes`. */
export class ClusterLoad {
  readonly nodes: readonly NodeInfo[];
  readonly indexOf: ReadonlyMap<string, number>;
  readonly capacityMilliCpus: Float64Array;
  readonly capacityMemory: Float64Array;
  readonly reservedMilliCpus: Float64Array;
  readonly reservedMemory: Float64Array;
  /** Tasks per node, of every service. */
  readonly taskCount: Int32Array;
  readonly ports: NodePorts[];
  /** The node index of every task counted, in order: which nodes' scores a `NodeRanking` must redo. */
  readonly changed: number[] = [];
  private readonly services = new Map<ServiceKey, ServiceLoad>();

  constructor(nodes: readonly NodeInfo[]) {
    this.nodes = nodes;
    this.indexOf = new Map(nodes.map((n, i) => [n.id, i]));
    const n = nodes.length;
    this.capacityMilliCpus = Float64Array.from(nodes, (node) => toMilliCpus(node.cpus));
    this.capacityMemory = Float64Array.from(nodes, (node) => node.memoryBytes);
    this.reservedMilliCpus = new Float64Array(n);
    this.reservedMemory = new Float64Array(n);
    this.taskCount = new Int32Array(n);
    this.ports = nodes.map(() => new Map());
  }

  /** The service's load, created empty on first use. */
  service(key: ServiceKey): ServiceLoad {
    let load = this.services.get(key);
    if (load === undefined) {
      load = { perNode: new Int32Array(this.nodes.length), groups: undefined };
      this.services.set(key, load);
    }
    return load;
  }

  /** The service's spread groups for `fields`, built on first use from its current counts. */
  groups(load: ServiceLoad, fields: readonly string[]): SpreadGroups {
    load.groups ??= spreadGroups(this.nodes, fields, load.perNode);
    return load.groups;
  }

  /**
   * Counts a task of service `key` on `node`. `req` is undefined for a task whose service is no
   * longer deployed: it still counts as a task, but its reservations and ports are unknown.
   */
  add(node: number, key: ServiceKey, req: PlacementRequest | undefined, bound?: readonly BoundPort[]): void {
    this.taskCount[node]!++;
    this.changed.push(node);
    const load = this.service(key);
    load.perNode[node]!++;
    if (load.groups !== undefined) countInGroups(load.groups, node, 1);
    if (req === undefined) return;
    this.reservedMilliCpus[node]! += req.milliCpus;
    this.reservedMemory[node]! += req.memoryBytes;
    if (req.claims.length > 0) occupyClaims(this.ports[node]!, req.claims, bound);
  }
}
