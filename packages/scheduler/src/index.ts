/**
 * @berth/scheduler: desired state → reconcile → placement. Everything here is pure: the store,
 * the dispatcher and the control API (a later step) do the I/O around it.
 */
export type {
  DesiredService,
  DesiredStack,
  DesiredState,
  Plan,
  ReconcileContext,
  Replacement,
  ServiceKey,
  StopOrder,
  StopReason,
  Task,
} from './reconcile/model.js';
export { serviceKey } from './reconcile/model.js';
export { canonicalJson, hashServiceSpec } from './reconcile/spec-hash.js';
export { desiredStack } from './reconcile/desired-stack.js';
export { newTask, type TaskIdentity } from './reconcile/new-task.js';
export { reconcile } from './reconcile/reconcile.js';
export { conditionMet, waitingReason, type ServiceProgress } from './reconcile/dependencies.js';
export { schedule, deployedServices, type Round } from './reconcile/schedule.js';
export { applyRound } from './reconcile/apply-round.js';
export { place, type PlacementResult, type ServiceSpecs } from './placement/place.js';
export { placementRequest, type PlacementRequest } from './placement/placement-request.js';
export {
  unplacedError,
  type NodeRejections,
  type UnplacedReason,
} from './placement/unplaced-reason.js';
export { LOAD_FILTERS, NODE_FILTERS } from './placement/filters/filter-pipeline.js';
export type { LoadFilter, NodeFilter } from './placement/filters/placement-filter.js';
export type { PlacementScorer } from './placement/scorers/placement-scorer.js';
