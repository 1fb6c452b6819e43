/**
 * The default scorer: the node with the fewest tasks of the same service, then the fewest
 * tasks overall, so replicas land on different machines and the cluster fills evenly.
 */
import type { PlacementScorer } from './placement-scorer.js';

// Task counts stay far below 2^21, so (same-service, overall) packs exactly into one number.
const OVERALL = 2 ** 21;

/** Fewest same-service tasks first, then fewest tasks overall. */
export const spreadScorer: PlacementScorer = {
  name: 'spread',
  score(node, service, load) {
    return service.perNode[node]! * OVERALL + load.taskCount[node]!;
  },
};
