/**
 * @berth/scheduler: desired state → reconcile → placement (pure), and the parts that do the I/O
 * around it: the state store, the reconcile loop, the dispatcher (agents) and the Control API
 * (the CLI), wired together by `Scheduler`.
 */
export type {
  DesiredService,
  DesiredStack,
  DesiredState,
  Plan,
  ReconcileContext,
  Replacement,
  RoundLimits,
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
export { schedule, deployedServices, deferredTasks, type Round } from './reconcile/schedule.js';
export { applyRound } from './reconcile/apply-round.js';
export { place, type PlaceOptions, type PlacementResult, type ServiceSpecs } from './placement/place.js';
export { placementRequest, type PlacementRequest } from './placement/placement-request.js';
export {
  unplacedError,
  type NodeRejections,
  type UnplacedReason,
} from './placement/unplaced-reason.js';
export { LOAD_FILTERS, NODE_FILTERS } from './placement/filters/filter-pipeline.js';
export type { LoadFilter, NodeFilter } from './placement/filters/placement-filter.js';
export type { PlacementScorer } from './placement/scorers/placement-scorer.js';

// ---- the state store
export type {
  StateStore,
  StateStoreEventSource,
  StateStoreReads,
  StateStoreWrites,
  StoreTransaction,
} from './store/state-store.js';
export type {
  NodeChange,
  StackChange,
  StateStoreEvents,
  StoreCommit,
  TaskChange,
  TaskChangeBatch,
} from './store/store-events.js';
export type { NodePatch, NodeRecord, StackRecord, TaskPatch, TaskRecord } from './store/store-records.js';
export type { StateStoreOptions } from './store/indexed-store.js';
export { MemoryStateStore } from './store/memory-store.js';
export { SqliteStateStore, DEFAULT_BATCH_WINDOW_MS, type SqliteStateStoreOptions } from './store/sqlite-store.js';
export { STATE_DB_FILE } from './store/sqlite-schema.js';

// ---- the reconcile loop
export {
  ReconcileLoop,
  DEFAULT_DEBOUNCE_MS,
  DEFAULT_MAX_TASKS_PER_ROUND,
  DEFAULT_PERIOD_MS,
  DEFAULT_RETRY_INITIAL_MS,
  DEFAULT_RETRY_MAX_MS,
  type ReconcileLoopEvents,
  type ReconcileLoopOptions,
} from './controller/reconcile-loop.js';
export { runStoreRound, type RoundSummary } from './controller/store-round.js';
export { taskIdGenerator, TASK_ID_LENGTH, type TaskIdSource } from './controller/task-ids.js';

// ---- the dispatcher
export { Dispatcher, type LogOptions } from './dispatcher/dispatcher.js';
export {
  DEFAULT_ASSIGNMENT_BATCH_MS,
  DEFAULT_HEARTBEAT_PERIOD_MS,
  DEFAULT_MISSED_HEARTBEATS,
  FENCE_MARGIN_MS,
  type DispatcherOptions,
  type DispatcherSettings,
} from './dispatcher/dispatcher-options.js';
export type { DispatcherEvents, DispatcherProblem, NodeDisconnected, NodeRegistered, TasksLost } from './dispatcher/dispatcher-events.js';

// ---- the Control API
export { ControlApi, type ControlApiOptions } from './control/control-api.js';
export { serveControl, type ControlServerHandle, type ServeControlOptions } from './control/serve-control.js';
export {
  connectControl,
  ControlConnection,
  type ControlConnectionOptions,
  type LogsQuery,
} from './control/control-client.js';
export { parseControlAddress, type ControlAddress } from './control/control-address.js';
export type { ControlStream } from './control/client-stream.js';
export type { RequestLogs, LogRequestOptions } from './control/log-fan-in.js';
export type {
  BerthEvent,
  BerthEventKind,
  ChangeKind,
  DeployResult,
  LogLine,
  NodeView,
  RemoveResult,
  ServiceChange,
  ServiceSummary,
  StackSummary,
  TaskView,
} from './control/views.js';

// ---- the whole scheduler
export { Scheduler, CONTROL_SOCKET_FILE, DEFAULT_AGENT_LISTEN, type SchedulerOptions } from './scheduler.js';

// ---- the Control API's cluster calls (issue 5)
export type { ControlAuthority } from './control/control-authority.js';
export type { ControlTlsMaterial } from './control/control-credentials.js';
export type {
  CertificateRequest,
  IssuedCertificateView,
  JoinTokenView,
  NodeLoad,
  NodeRemoval,
  NodeUpdate,
} from './control/views.js';

// ---- the cluster authority (issue 5: secure joining)
export {
  ClusterAuthority,
  NODE_ID_PATTERN,
  type ClusterAuthorityOptions,
  type IssuedCertificate,
  type JoinRequest,
  type JoinResult,
} from './security/cluster-authority.js';
export { clusterService, type ClusterServiceOptions } from './security/cluster-service.js';
export { SchedulerCertificate, SCHEDULER_COMMON_NAME } from './security/scheduler-certificate.js';
export { PKI_DIR, CA_CERT_FILE, CA_KEY_FILE, JOIN_SECRET_FILE, REVOKED_FILE } from './security/pki-files.js';
export {
  streamAuthorizer,
  streamVerdict,
  type AuthorizeStream,
  type StreamPeer,
  type StreamVerdict,
} from './dispatcher/stream-authorization.js';
export type { StreamRefused } from './dispatcher/dispatcher-events.js';
