/**
 * What the scheduler has placed on each node, for `berth nodes`: live tasks, how many of them
 * run, and the sum of their reservations. Reservations come from each task's service as
 * currently deployed, through placement's own `placementRequest` (whole thousandths of a core,
 * so sums stay exact), so the figures are the ones placement checks against. A task whose stack
 * is gone still counts as a task but reserves nothing, as in placement.
 */
import type { ServiceSpec } from '@berth/api';
import { placementRequest, type PlacementRequest } from '../placement/placement-request.js';
import { serviceKey, type ServiceKey } from '../reconcile/model.js';
import type { StateStoreReads } from '../store/state-store.js';
import type { NodeRecord } from '../store/store-records.js';
import { isLive, isRunning } from './store-views.js';
import type { NodeLoad } from './views.js';

function serviceSpec(store: StateStoreReads, stack: string, service: string): ServiceSpec | undefined {
  const services = store.stack(stack)?.spec.services;
  return services !== undefined && Object.hasOwn(services, service) ? services[service] : undefined;
}

/** The load of each of `nodes`, in their order. */
export function nodeLoads(store: StateStoreReads, nodes: readonly NodeRecord[]): NodeLoad[] {
  const requests = new Map<ServiceKey, PlacementRequest | undefined>();
  const requestFor = (stack: string, service: string): PlacementRequest | undefined => {
    const key = serviceKey(stack, service);
    if (!requests.has(key)) {
      const spec = serviceSpec(store, stack, service);
      requests.set(key, spec === undefined ? undefined : placementRequest(key, spec));
    }
    return requests.get(key);
  };
  return nodes.map((node) => {
    let tasks = 0;
    let running = 0;
    let milliCpus = 0;
    let memoryBytes = 0;
    for (const task of store.tasksOnNode(node.id)) {
      if (!isLive(task)) continue;
      tasks += 1;
      if (isRunning(task)) running += 1;
      const req = requestFor(task.stack, task.service);
      milliCpus += req?.milliCpus ?? 0;
      memoryBytes += req?.memoryBytes ?? 0;
    }
    return {
      nodeId: node.id,
      tasks,
      running,
      reservedCpus: milliCpus / 1000,
      reservedMemoryBytes: memoryBytes,
      lastHeartbeatAt: new Date(node.lastHeartbeatAt),
    };
  });
}
