/**
 * The change events a state store emits after each committed transaction. Every event carries
 * the revision of the transaction that made it, and the record before and after, so a watcher
 * can tell what changed without keeping its own copy.
 */
import type { NodeRecord, StackRecord, TaskRecord } from './store-records.js';

/** A stack was deployed, re-deployed or removed (`stack` undefined). */
export interface StackChange {
  revision: number;
  name: string;
  stack: StackRecord | undefined;
  previous: StackRecord | undefined;
}

/** One task created, changed or removed (`task` undefined). */
export interface TaskChange {
  id: string;
  task: TaskRecord | undefined;
  previous: TaskRecord | undefined;
}

/** Every task one transaction changed, each once (with its state before the transaction). */
export interface TaskChangeBatch {
  revision: number;
  changes: TaskChange[];
}

/** A node registered, changed (heartbeats included) or removed (`node` undefined). */
export interface NodeChange {
  revision: number;
  id: string;
  node: NodeRecord | undefined;
  previous: NodeRecord | undefined;
}

/** A transaction committed: sent after its stack, node and task events. */
export interface StoreCommit {
  revision: number;
}

/**
 * The events of a state store. Per transaction: one `stack-changed` per changed stack, one
 * `node-changed` per changed node, one `task-changed` with every changed task, then `committed`.
 */
export interface StateStoreEvents {
  'stack-changed': (change: StackChange) => void;
  'task-changed': (batch: TaskChangeBatch) => void;
  'node-changed': (change: NodeChange) => void;
  committed: (commit: StoreCommit) => void;
}
