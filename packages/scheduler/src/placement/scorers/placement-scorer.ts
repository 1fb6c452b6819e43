/** A scorer ranks the nodes that passed every filter; the lowest score wins, ties go to the earlier node. */
import type { ClusterLoad, ServiceLoad } from '../cluster-load.js';

/** Ranks a node for one more task of a service. */
export interface PlacementScorer {
  readonly name: string;
  /**
   * Lower is better. It must depend only on what is on `node` itself (its own counts and
   * reservations): a `NodeRanking` scores a node again only when that node gets a task.
   */
  score(node: number, service: ServiceLoad, load: ClusterLoad): number;
}
