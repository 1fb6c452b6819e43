/**
 * The scheduler's state store: desired stacks, task records and nodes, shared by the parts of
 * the scheduler (reconciler, placement, dispatcher, control API). The parts do not call each
 * other; each watches the store's change events and writes back.
 *
 * Reads are synchronous lookups in in-memory indexes, so a reconcile round costs no I/O.
 * Writes are synchronous too: each mutation is a transaction of its own, or several are
 * grouped with `transaction(fn)`. A committed transaction bumps `revision` by one, is visible
 * to reads at once, and emits its change events before the write returns. How and when it
 * reaches disk is the implementation's business (see `flush()`).
 *
 * Records are frozen, and the objects handed to a write (specs, statuses) become part of the
 * stored state: do not mutate them afterwards.
 */
import type { EventEmitter } from 'eventemitter3';
import type { NodeInfo, TaskStatus } from '@berth/api';
import type { DesiredStack, Task } from '../reconcile/model.js';
import type { StateStoreEvents } from './store-events.js';
import type { NodePatch, NodeRecord, StackRecord, TaskPatch, TaskRecord } from './store-records.js';

/** The read side of the store; inside a transaction reads see the transaction's own writes. */
export interface StateStoreReads {
  /** The revision of the last committed transaction; 0 for a store never written. */
  readonly revision: number;
  /** One stack by name. */
  stack(name: string): StackRecord | undefined;
  /** Every stack (in no particular order, as every list read). */
  stacks(): StackRecord[];
  /** One task by id. */
  task(id: string): TaskRecord | undefined;
  /** Every task. */
  tasks(): TaskRecord[];
  /** How many tasks the store holds. */
  readonly taskCount: number;
  /** The tasks of one stack. */
  tasksOfStack(stack: string): TaskRecord[];
  /** The tasks of one service. */
  tasksOfService(stack: string, service: string): TaskRecord[];
  /** The tasks placed on a node (by `nodeId`; a pending global task is not on its `forNode`). */
  tasksOnNode(nodeId: string): TaskRecord[];
  /** One node by id. */
  node(id: string): NodeRecord | undefined;
  /** Every node. */
  nodes(): NodeRecord[];
}

/**
 * The write side. The store keeps no references between stacks, tasks and nodes: removing a
 * stack or a node leaves its tasks, which reconcile then stops or moves.
 */
export interface StateStoreWrites {
  /** Stores a stack (keyed by `spec.name`), replacing any stack of that name. */
  putStack(stack: DesiredStack): StackRecord;
  /** Removes a stack; false when there was none. */
  removeStack(name: string): boolean;
  /** Stores a task, replacing any task with its id. */
  putTask(task: Task): TaskRecord;
  /** Changes some fields of a task; undefined (and no change) when the task is unknown. */
  updateTask(id: string, patch: TaskPatch): TaskRecord | undefined;
  /** Records an agent's report for task `status.taskId`; undefined when the task is unknown. */
  setTaskStatus(status: TaskStatus): TaskRecord | undefined;
  /** Removes a task; false when there was none. */
  removeTask(id: string): boolean;
  /**
   * Stores a node, replacing any node with its id. Its heartbeat time is `heartbeatAt`, else
   * the stored node's, else now (registering counts as being heard from).
   */
  putNode(node: NodeInfo, heartbeatAt?: number): NodeRecord;
  /** Changes some fields of a node; undefined (and no change) when the node is unknown. */
  updateNode(id: string, patch: NodePatch): NodeRecord | undefined;
  /** Records that a node was heard from at `at` (default now); undefined when unknown. */
  heartbeat(id: string, at?: number): NodeRecord | undefined;
  /** Removes a node; false when there was none. */
  removeNode(id: string): boolean;
}

/** What a transaction function gets: reads that see its writes, and the writes. */
export interface StoreTransaction extends StateStoreReads, StateStoreWrites {}

/** The events a watcher can subscribe to. */
export type StateStoreEventSource = Pick<EventEmitter<StateStoreEvents>, 'on' | 'once' | 'off'>;

/** The scheduler's state store (see the module comment). */
export interface StateStore extends StoreTransaction, StateStoreEventSource {
  /**
   * Runs `fn` as one transaction: all its writes commit together, as one revision with one
   * set of events, or, when `fn` throws, none of them does (and the error is rethrown). `fn`
   * must be synchronous. A transaction inside a transaction joins the outer one (so an error
   * the outer one catches undoes nothing). Events go out after the commit; a listener that
   * throws skips the later listeners of that one event only, and its error is rethrown to the
   * writer once every event is out (the transaction stays committed).
   */
  transaction<T>(fn: (tx: StoreTransaction) => T): T;
  /** Makes every committed transaction durable now (a no-op where there is no disk). */
  flush(): void;
  /** Flushes and releases the store; writes after this throw. Calling it again does nothing. */
  close(): void;
}
