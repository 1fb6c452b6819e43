/**
 * `x-berth.placement_strategy: binpack`: the node with the most reserved resources (as a share
 * of its capacity, CPU and memory added) that still fits, so whole nodes stay free for big
 * tasks. Equally full nodes tie and the earlier one wins, which with no reservations at all
 * fills the first node until a filter stops it.
 */
import type { ClusterLoad } from '../cluster-load.js';
import type { PlacementScorer } from './placement-scorer.js';

function share(reserved: number, capacity: number): number {
  return capacity > 0 ? reserved / capacity : 0;
}

/** The fuller a node, the better. */
export const binpackScorer: PlacementScorer = {
  name: 'binpack',
  score(node, _service, load: ClusterLoad) {
    return -(
      share(load.reservedMilliCpus[node]!, load.capacityMilliCpus[node]!) +
      share(load.reservedMemory[node]!, load.capacityMemory[node]!)
    );
  },
};
