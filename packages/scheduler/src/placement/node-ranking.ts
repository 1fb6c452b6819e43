/**
 * A service's candidate nodes kept in rank order through one placement round, so choosing the
 * node for each of its tasks costs a few heap steps instead of a pass over every node (100,000
 * tasks on 1,000 nodes would otherwise be 10^8 filter checks).
 *
 * It picks exactly the node a full scan would: among the candidates that pass every load
 * filter, the one in the emptiest spread groups (top level first), then with the lowest score,
 * then the earliest. That holds because, within one round,
 * - a scorer's score depends only on what is on that node (see `PlacementScorer`), and the
 *   load's change log (`ClusterLoad.changed`) says which nodes got a task since the ranking
 *   last looked, so only those are scored again;
 * - load only grows, so a node a load filter rejects for this service stays rejected for the
 *   rest of the round and leaves the ranking for good;
 * - nodes of one leaf spread group (the same value on every preference level) share their
 *   group counts, so each leaf group is one heap, ordered by (score, index), and only the heads
 *   of the heaps are compared on group counts.
 */
import type { ClusterLoad, ServiceLoad } from './cluster-load.js';
import { LOAD_FILTERS } from './filters/filter-pipeline.js';
import type { PlacementRequest } from './placement-request.js';
import type { PlacementScorer } from './scorers/placement-scorer.js';
import { scorerFor } from './scorers/scorer-choice.js';
import { compareGroups, type SpreadGroups } from './scorers/spread-preferences.js';

/** The candidate nodes of one service in rank order; see the module comment. */
export class NodeRanking {
  private readonly scorer: PlacementScorer;
  private readonly groups: SpreadGroups | undefined;
  /** Each node's score as last computed (by node index). */
  private readonly key: Float64Array;
  /** Each node's position in its heap; -1 when it is not (or no longer) ranked. */
  private readonly pos: Int32Array;
  /** Each node's heap (its leaf spread group); all 0 without spread preferences. */
  private readonly heapOf: Int32Array;
  /** One binary min-heap of node indices per leaf spread group. */
  private readonly heaps: Int32Array[];
  private readonly sizes: Int32Array;
  /** How much of `load.changed` the keys reflect. */
  private synced: number;

  /** Ranks `candidates` (node indices that passed the node-only filters) for `req`'s service. */
  constructor(
    candidates: Int32Array,
    private readonly req: PlacementRequest,
    private readonly service: ServiceLoad,
    private readonly load: ClusterLoad,
  ) {
    const n = load.nodes.length;
    this.scorer = scorerFor(req.strategy);
    this.groups = req.spread.length > 0 ? load.groups(service, req.spread) : undefined;
    this.key = new Float64Array(n);
    this.pos = new Int32Array(n).fill(-1);
    const leaf = this.groups?.levels.at(-1);
    this.heapOf = leaf?.groupOf ?? new Int32Array(n);
    const heapCount = leaf?.counts.length ?? 1;
    const members = new Int32Array(heapCount);
    for (const c of candidates) members[this.heapOf[c]!]!++;
    this.heaps = Array.from(members, (m) => new Int32Array(m));
    this.sizes = new Int32Array(heapCount);
    for (const c of candidates) {
      this.key[c] = this.scorer.score(c, service, load);
      const h = this.heapOf[c]!;
      const at = this.sizes[h]!++;
      this.heaps[h]![at] = c;
      this.pos[c] = at;
    }
    for (let h = 0; h < heapCount; h++) {
      for (let i = (this.sizes[h]! >> 1) - 1; i >= 0; i--) this.down(h, i);
    }
    this.synced = load.changed.length;
  }

  /** The node that should take one more task of the service, or -1 when no candidate can. */
  best(): number {
    this.catchUp();
    let best = -1;
    for (let h = 0; h < this.heaps.length; h++) {
      const top = this.fittingTop(h);
      if (top >= 0 && (best < 0 || this.before(top, best))) best = top;
    }
    return best;
  }

  /** Scores again the nodes that got a task since the last call, and restores heap order. */
  private catchUp(): void {
    const changed = this.load.changed;
    for (; this.synced < changed.length; this.synced++) {
      const node = changed[this.synced]!;
      const at = this.pos[node]!;
      if (at < 0) continue;
      this.key[node] = this.scorer.score(node, this.service, this.load);
      const h = this.heapOf[node]!;
      this.up(h, at);
      this.down(h, this.pos[node]!);
    }
  }

  /** The head of heap `h` once the nodes a load filter now rejects are dropped; -1 when empty. */
  private fittingTop(h: number): number {
    const heap = this.heaps[h]!;
    while (this.sizes[h]! > 0) {
      const top = heap[0]!;
      if (this.fits(top)) return top;
      // Rejected for good this round (load only grows): out of the ranking.
      this.pos[top] = -1;
      const last = heap[--this.sizes[h]!]!;
      if (this.sizes[h]! > 0) {
        heap[0] = last;
        this.pos[last] = 0;
        this.down(h, 0);
      }
    }
    return -1;
  }

  /** Whether every load filter lets `node` take one more task of the service. */
  private fits(node: number): boolean {
    for (const f of LOAD_FILTERS) if (f.reject(node, this.req, this.service, this.load) !== undefined) return false;
    return true;
  }

  /** Whether node `a` ranks before node `b`: emptier spread groups, then score, then index. */
  private before(a: number, b: number): boolean {
    if (this.groups !== undefined) {
      const byGroup = compareGroups(this.groups, a, b);
      if (byGroup !== 0) return byGroup < 0;
    }
    return this.less(a, b);
  }

  /** Heap order within one leaf group: score, then index (ties go to the earlier node). */
  private less(a: number, b: number): boolean {
    const ka = this.key[a]!;
    const kb = this.key[b]!;
    return ka < kb || (ka === kb && a < b);
  }

  private up(h: number, at: number): void {
    const heap = this.heaps[h]!;
    const node = heap[at]!;
    while (at > 0) {
      const parent = (at - 1) >> 1;
      const above = heap[parent]!;
      if (!this.less(node, above)) break;
      heap[at] = above;
      this.pos[above] = at;
      at = parent;
    }
    heap[at] = node;
    this.pos[node] = at;
  }

  private down(h: number, at: number): void {
    const heap = this.heaps[h]!;
    const size = this.sizes[h]!;
    const node = heap[at]!;
    for (;;) {
      let child = 2 * at + 1;
      if (child >= size) break;
      if (child + 1 < size && this.less(heap[child + 1]!, heap[child]!)) child++;
      const below = heap[child]!;
      if (!this.less(below, node)) break;
      heap[at] = below;
      this.pos[below] = at;
      at = child;
    }
    heap[at] = node;
    this.pos[node] = at;
  }
}
