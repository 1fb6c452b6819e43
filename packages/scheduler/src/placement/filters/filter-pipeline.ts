/**
 * The filters in the order they run, cheapest first: node-only checks (once per service per
 * round), then load checks by cost — a counter, two sums, then map lookups per port.
 */
import { constraintsFilter } from './constraints.js';
import { driverFilter } from './driver.js';
import { hostPortsFilter } from './host-ports.js';
import { maxReplicasFilter } from './max-replicas.js';
import { nodeReadyFilter } from './node-ready.js';
import type { LoadFilter, NodeFilter } from './placement-filter.js';
import { resourcesFilter } from './resources.js';

/** Node-only filters, in order. */
export const NODE_FILTERS: readonly NodeFilter[] = [nodeReadyFilter, driverFilter, constraintsFilter];

/** Load filters, in order. */
export const LOAD_FILTERS: readonly LoadFilter[] = [maxReplicasFilter, resourcesFilter, hostPortsFilter];
