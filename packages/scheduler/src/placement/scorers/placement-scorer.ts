/** A scorer ranks the nodes that passed every filter; the lowest score wins, ties go to the earlier node. */
import type { ClusterLoad, ServiceLoad } from '../cluster-load.js';

/** Ranks a node for one more task of a service. */
export interface PlacementScorer {
  readonly name: string;
  /** Lower is better. */
  score(node: number, service: ServiceLoad, load: ClusterLoad): number;
}
