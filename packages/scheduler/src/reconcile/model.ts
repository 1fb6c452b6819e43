/**
 * The scheduler's view of the world: desired stacks (specs plus a hash and generation per
 * service), the task records it owns, and the plan one reconcile round produces.
 * Nodes are `NodeInfo` from @berth/api as they are.
 */
import type { DesiredTaskState, ServiceSpec, StackSpec, TaskStatus } from '@berth/api';

/** One service as deployed: its spec, the hash that detects changes, and its generation. */
export interface DesiredService {
  spec: ServiceSpec;
  /** Hash of the spec minus the fields that must not restart tasks (see `spec-hash.ts`). */
  hash: string;
  /** Deploy revision: 1 when first deployed, +1 each time the hash changes. */
  generation: number;
}

/** One deployed stack: the spec as loaded, and each service's deploy record. */
export interface DesiredStack {
  spec: StackSpec;
  /** Keyed by service name; the same keys as `spec.services`. */
  services: Record<string, DesiredService>;
}

/**
 * Everything that should run, across all stacks. Tasks of a stack missing here are stopped,
 * so reconcile always sees the whole cluster (placement needs every task on a node anyway).
 */
export type DesiredState = readonly DesiredStack[];

/** A task as the scheduler records it: identity, desired state, placement and observed status. */
export interface Task {
  id: string;
  stack: string;
  service: string;
  /** Replica slot, 1..replicas, for replicated services; 0 for global services. */
  slot: number;
  /** Global services only: the node this task exists for (its identity, not its placement). */
  forNode?: string;
  /** The `DesiredService.hash` this task was made from. */
  specHash: string;
  /** The `DesiredService.generation` this task was made from. */
  generation: number;
  /** Where the task was placed; undefined while pending. */
  nodeId?: string;
  desired: DesiredTaskState;
  /** Observed status as last reported by the agent (state `pending` until placed). */
  status: TaskStatus;
  /** Why a task without a node has none yet (waiting for a dependency, no suitable node). */
  pendingReason?: string;
  /** When the scheduler created the record (epoch ms, from the caller's clock). */
  createdAt: number;
}

/** Why reconcile stops a task. */
export type StopReason =
  | 'scaled down'
  | 'spec changed'
  | 'service removed'
  | 'stack removed'
  | 'node down'
  | 'node drained'
  | 'node gone'
  | 'node no longer eligible'
  | 'task lost'
  | 'duplicate'
  | 'mode changed';

/** An order to stop one task. */
export interface StopOrder {
  taskId: string;
  reason: StopReason;
}

/** A task stopped and another created in its slot (or for its node) in the same round. */
export interface Replacement {
  old: string;
  new: string;
  reason: StopReason;
}

/**
 * One reconcile round's result. Every task with desired state `run` that reconcile saw is in
 * exactly one of `keep` and `stop`; tasks already desired `stop` are in neither (they are the
 * dispatcher's business until they are gone).
 */
export interface Plan {
  /** New task records created this round (desired `run`): missing slots, new global nodes, replacements. */
  place: Task[];
  /** Existing tasks left as they are (this includes pending ones still waiting for a node). */
  keep: string[];
  /** Existing tasks to stop, with why; includes the old half of every replacement. */
  stop: StopOrder[];
  /** Old → new pairs; both halves are also listed in `stop` and `place`. */
  replace: Replacement[];
  /** Tasks without a node held back by `depends_on` (new or kept), with why: `waiting for db (service_healthy)`. */
  waiting: Map<string, string>;
  /** The tasks placement should find a node for now: kept pending tasks, then new ones, minus `waiting`. */
  unassigned: Task[];
  /**
   * Tasks the round would have created (new slots, replacements) but left to a later round
   * because it reached `RoundLimits.maxTasks`; the task a deferred replacement would replace
   * is kept meanwhile (and not placed, if it has no node).
   */
  deferred: number;
}

/**
 * Caps on one round's work, so a huge deploy is done over several short rounds instead of one
 * that holds the scheduler for seconds; a round that reaches a cap says so (`Plan.deferred`,
 * `PlacementResult.deferred`) and the rest waits for the next round.
 */
export interface RoundLimits {
  /** The most tasks one round creates, and the most it gives a node (each counted apart); default no limit. */
  maxTasks?: number;
}

/** What reconcile may not make up itself: ids and the time. */
export interface ReconcileContext {
  newId(): string;
  now: number;
}

/** The key a service is known by across stacks: `stack/service`. */
export type ServiceKey = string;

/** Builds the `stack/service` key (stack names cannot contain `/`). */
export function serviceKey(stack: string, service: string): ServiceKey {
  return `${stack}/${service}`;
}
