/**
 * The placement pipeline: for each task, the nodes that pass every filter, ranked by the
 * service's scorer (after its spread preferences); the best one takes the task and the round's
 * indexes are updated, so the next task sees it. A task no node passes gets the tally of every
 * filter's rejections as its reason.
 *
 * Cost: node-only filters run once per service and node. Each service's candidates are kept
 * in rank order (`node-ranking.ts`), so a task costs a few heap steps plus the load filters of
 * the nodes at the heads, not a pass over every node. Once one task of a service finds no
 * node, later ones in the round cannot either (load only grows within a round), so they share
 * its reason without another scan.
 *
 * A call may be capped (`maxAssignments`): once that many tasks have a node, the remaining ones
 * are not tried (`deferred`) and wait for the next round, so one huge deploy does not hold the
 * scheduler for seconds. Tasks that find no node do not count towards the cap, so a backlog of
 * unplaceable tasks never keeps placeable ones behind it from being placed.
 */
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { serviceKey, type ServiceKey, type Task } from '../reconcile/model.js';
import { ClusterLoad, type ServiceLoad } from './cluster-load.js';
import { LOAD_FILTERS, NODE_FILTERS } from './filters/filter-pipeline.js';
import { NodeRanking } from './node-ranking.js';
import { placementRequest, type PlacementRequest } from './placement-request.js';
import { deferredReason, missingNodeReason, RejectionTally, unknownServiceReason, type UnplacedReason } from './unplaced-reason.js';

/** The deployed service specs by `stack/service` key. */
export type ServiceSpecs = ReadonlyMap<ServiceKey, ServiceSpec>;

/** Where each task went, or why it went nowhere; every input task is in exactly one map. */
export interface PlacementResult {
  /** Task id → node id. */
  assignments: Map<string, string>;
  /** Task id → why no node could take it. */
  unplaced: Map<string, UnplacedReason>;
  /** Task id → its pending reason, for tasks not tried because `maxAssignments` was reached. */
  deferred: Map<string, string>;
}

/** Limits of one `place` call. */
export interface PlaceOptions {
  /** The most tasks to give a node; the rest are `deferred`. Default: no limit. */
  maxAssignments?: number;
}

const ALL_FILTERS = [...NODE_FILTERS, ...LOAD_FILTERS];

/** A service's nodes after the node-only filters, and what those filters rejected. */
interface Candidates {
  nodes: Int32Array;
  tally: RejectionTally;
}

/** The node-only verdicts for `req` over `indexes` (every node when omitted). */
function nodeCandidates(req: PlacementRequest, nodes: readonly NodeInfo[], indexes?: readonly number[]): Candidates {
  const tally = new RejectionTally();
  const passed: number[] = [];
  const check = (i: number): void => {
    const node = nodes[i]!;
    for (const f of NODE_FILTERS) {
      const cause = f.reject(node, req);
      if (cause !== undefined) return tally.add(f, cause);
    }
    passed.push(i);
  };
  if (indexes === undefined) for (let i = 0; i < nodes.length; i++) check(i);
  else indexes.forEach(check);
  return { nodes: Int32Array.from(passed), tally };
}

/** A replicated service's candidates, and their ranking for its next task. */
interface ServicePool extends Candidates {
  ranking: NodeRanking;
}

/** Whether node `n` passes every load filter for one more task of `req`'s service. */
function fits(n: number, req: PlacementRequest, service: ServiceLoad, load: ClusterLoad): boolean {
  for (const f of LOAD_FILTERS) if (f.reject(n, req, service, load) !== undefined) return false;
  return true;
}

/** The reason no candidate fits: the node-only tally plus each candidate's first load rejection. */
function explain(candidates: Candidates, req: PlacementRequest, service: ServiceLoad, load: ClusterLoad): UnplacedReason {
  const tally = candidates.tally.copy();
  for (const n of candidates.nodes) {
    for (const f of LOAD_FILTERS) {
      const cause = f.reject(n, req, service, load);
      if (cause !== undefined) {
        tally.add(f, cause);
        break;
      }
    }
  }
  return tally.reason(req, ALL_FILTERS);
}

/**
 * Places `tasks` (in order) on `nodes`, given the tasks already running there. Replicated tasks
 * may go to any node; a global task (`forNode`) only to its own node. Pure: the inputs are not
 * changed and the same inputs give the same result.
 */
export function place(
  tasks: readonly Task[],
  nodes: readonly NodeInfo[],
  existingTasks: readonly Task[],
  services: ServiceSpecs,
  options: PlaceOptions = {},
): PlacementResult {
  const maxAssignments = options.maxAssignments ?? Infinity;
  const queued = deferredReason(maxAssignments);
  const load = new ClusterLoad(nodes);
  const requests = new Map<ServiceKey, PlacementRequest | undefined>();
  const requestFor = (key: ServiceKey): PlacementRequest | undefined => {
    if (!requests.has(key)) {
      const spec = services.get(key);
      requests.set(key, spec === undefined ? undefined : placementRequest(key, spec));
    }
    return requests.get(key);
  };

  for (const t of existingTasks) {
    if (t.desired !== 'run' || t.nodeId === undefined) continue;
    const n = load.indexOf.get(t.nodeId);
    if (n === undefined) continue;
    const key = serviceKey(t.stack, t.service);
    load.add(n, key, requestFor(key), t.status.ports);
  }

  const assignments = new Map<string, string>();
  const unplaced = new Map<string, UnplacedReason>();
  const deferred = new Map<string, string>();
  const pools = new Map<ServiceKey, ServicePool>();
  const failed = new Map<ServiceKey, UnplacedReason>();
  for (const task of tasks) {
    const key = serviceKey(task.stack, task.service);
    const req = requestFor(key);
    if (req === undefined) {
      unplaced.set(task.id, unknownServiceReason(key));
      continue;
    }
    const known = task.forNode === undefined ? failed.get(key) : undefined;
    if (known !== undefined) {
      unplaced.set(task.id, known);
      continue;
    }
    if (assignments.size >= maxAssignments) {
      deferred.set(task.id, queued);
      continue;
    }
    const service = load.service(key);
    if (task.forNode !== undefined) {
      const n = load.indexOf.get(task.forNode);
      if (n === undefined) {
        unplaced.set(task.id, missingNodeReason(task.forNode));
        continue;
      }
      const own = nodeCandidates(req, nodes, [n]);
      if (own.nodes.length === 1 && fits(n, req, service, load)) {
        load.add(n, key, req);
        assignments.set(task.id, nodes[n]!.id);
      } else {
        unplaced.set(task.id, explain(own, req, service, load));
      }
      continue;
    }
    let pool = pools.get(key);
    if (pool === undefined) {
      const candidates = nodeCandidates(req, nodes);
      pool = { ...candidates, ranking: new NodeRanking(candidates.nodes, req, service, load) };
      pools.set(key, pool);
    }
    const best = pool.ranking.best();
    if (best < 0) {
      const reason = explain(pool, req, service, load);
      failed.set(key, reason);
      unplaced.set(task.id, reason);
      continue;
    }
    load.add(best, key, req);
    assignments.set(task.id, nodes[best]!.id);
  }
  return { assignments, unplaced, deferred };
}
