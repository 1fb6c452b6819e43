/**
 * Assignment sets from the store's state, pure (reads in, sets out).
 *
 * A node's assignments are its tasks with desired state `run`: tasks desired `stop` are left
 * out, because an agent stops (and forgets) whatever a complete set does not list and whatever
 * an incremental set removes. Each assignment carries the service's spec from the stack record
 * and the stack-level networks, volumes, secrets and configs that spec refers to.
 *
 * A task whose stack or service the store does not have cannot be described; it is treated
 * as not assigned (so the agent stops it, as reconcile is about to) and reported as unbuildable.
 */
import type {
  Assignment,
  AssignmentSet,
  ConfigSpec,
  NetworkSpec,
  SecretSpec,
  ServiceSpec,
  StackSpec,
  VolumeSpec,
} from '@berth/api';
import type { StateStoreReads } from '../store/state-store.js';
import type { TaskRecord } from '../store/store-records.js';

/** A set to send, and the tasks that belonged in it but could not be described. */
export interface BuiltAssignmentSet {
  set: AssignmentSet;
  /** Ids of tasks on the node, desired `run`, whose stack or service is not in the store. */
  unbuildable: string[];
}

/** Whether the store wants `task` running on `nodeId`. */
export function runsOn(task: TaskRecord | undefined, nodeId: string): task is TaskRecord {
  return task !== undefined && task.desired === 'run' && task.nodeId === nodeId;
}

/** The assignment of `task`, or undefined when the store lacks its stack or service. */
export function assignmentFor(reads: Pick<StateStoreReads, 'stack'>, task: TaskRecord): Assignment | undefined {
  const stack = reads.stack(task.stack)?.spec;
  if (stack === undefined || !Object.hasOwn(stack.services, task.service)) return undefined;
  const spec = stack.services[task.service] as ServiceSpec;
  return {
    taskId: task.id,
    stack: task.stack,
    service: task.service,
    slot: task.slot,
    spec,
    desired: task.desired,
    ...resourcesOf(stack, spec),
  };
}

/** Every task the store wants on `nodeId`, as the COMPLETE set of `revision`. */
export function completeAssignmentSet(
  reads: Pick<StateStoreReads, 'stack' | 'tasksOnNode'>,
  nodeId: string,
  revision: number,
): BuiltAssignmentSet {
  const assignments: Assignment[] = [];
  const unbuildable: string[] = [];
  // Sorted so a node's set does not depend on the order of the store's indexes.
  const tasks = reads.tasksOnNode(nodeId).filter((t) => runsOn(t, nodeId)).sort(byId);
  for (const task of tasks) {
    const assignment = assignmentFor(reads, task);
    if (assignment === undefined) unbuildable.push(task.id);
    else assignments.push(assignment);
  }
  return { set: { kind: 'complete', revision, assignments, removedTaskIds: [] }, unbuildable };
}

/**
 * The INCREMENTAL set of `revision` for the tasks in `taskIds` whose assignment to `nodeId`
 * may have changed: each is an upsert when the store (now) wants it running there, else a
 * removal. Resolving against the current state, not the events, folds a burst of changes to
 * one task into its outcome.
 */
export function incrementalAssignmentSet(
  reads: Pick<StateStoreReads, 'stack' | 'task'>,
  nodeId: string,
  taskIds: Iterable<string>,
  revision: number,
): BuiltAssignmentSet {
  const assignments: Assignment[] = [];
  const removedTaskIds: string[] = [];
  const unbuildable: string[] = [];
  for (const id of [...taskIds].sort()) {
    const task = reads.task(id);
    const assignment = runsOn(task, nodeId) ? assignmentFor(reads, task) : undefined;
    if (assignment !== undefined) {
      assignments.push(assignment);
      continue;
    }
    if (runsOn(task, nodeId)) unbuildable.push(id);
    removedTaskIds.push(id);
  }
  return { set: { kind: 'incremental', revision, assignments, removedTaskIds }, unbuildable };
}

type StackResources = Pick<Assignment, 'networks' | 'volumes' | 'secrets' | 'configs'>;

/** The stack-level objects `spec` refers to (names it refers to but the stack lacks are skipped). */
function resourcesOf(stack: StackSpec, spec: ServiceSpec): StackResources {
  const networks: Record<string, NetworkSpec> = {};
  const volumes: Record<string, VolumeSpec> = {};
  const secrets: Record<string, SecretSpec> = {};
  const configs: Record<string, ConfigSpec> = {};
  for (const key of Object.keys(spec.networks)) copyEntry(stack.networks, key, networks);
  for (const mount of spec.volumes) {
    if (mount.type === 'volume' && mount.source !== undefined) copyEntry(stack.volumes, mount.source, volumes);
  }
  for (const ref of spec.secrets) copyEntry(stack.secrets, ref.source, secrets);
  for (const ref of spec.configs) copyEntry(stack.configs, ref.source, configs);
  return { networks, volumes, secrets, configs };
}

function copyEntry<T>(from: Record<string, T>, key: string, to: Record<string, T>): void {
  // Own keys only: a service naming `constructor` must not pick up Object.prototype's.
  if (Object.hasOwn(from, key)) to[key] = from[key] as T;
}

function byId(a: TaskRecord, b: TaskRecord): number {
  return a.id < b.id ? -1 : a.id > b.id ? 1 : 0;
}
