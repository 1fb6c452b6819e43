/**
 * The state store's engine, shared by the memory and SQLite stores: in-memory indexes,
 * transactions (writes apply to the indexes at once; a failed transaction restores what it
 * touched), revisions, and change events. A subclass adds durability through `persist`, which
 * sees every committed transaction's changes in commit order.
 */
import { EventEmitter } from 'eventemitter3';
import { BerthError, type NodeInfo, type TaskStatus } from '@berth/api';
import type { DesiredStack, Task } from '../reconcile/model.js';
import type { StateStore, StoreTransaction } from './state-store.js';
import type { NodeChange, StackChange, StateStoreEvents, TaskChange } from './store-events.js';
import { StoreIndexes } from './store-indexes.js';
import type { NodePatch, NodeRecord, StackRecord, TaskPatch, TaskRecord } from './store-records.js';

/** Options every store takes. */
export interface StateStoreOptions {
  /** The clock for `updatedAt` and default heartbeat times (epoch ms); default `Date.now`. */
  now?: () => number;
}

/** What one committed transaction changed; `persist` receives it, the events are made from it. */
export interface CommittedChanges {
  revision: number;
  stacks: StackChange[];
  tasks: TaskChange[];
  nodes: NodeChange[];
}

/**
 * The transaction being run: its revision and each touched key's value from before it. The
 * maps are made on first use: most transactions are one status update.
 */
class OpenTransaction {
  stacks: Map<string, StackRecord | undefined> | undefined;
  tasks: Map<string, TaskRecord | undefined> | undefined;
  nodes: Map<string, NodeRecord | undefined> | undefined;
  constructor(readonly revision: number) {}
}

/** Remembers `key`'s value from before the transaction, the first time it is written. */
function remember<T>(touched: Map<string, T | undefined>, key: string, current: T | undefined): void {
  if (!touched.has(key)) touched.set(key, current);
}

/** A state store over in-memory indexes; subclasses decide what reaches disk. */
export abstract class IndexedStateStore extends EventEmitter<StateStoreEvents> implements StateStore {
  protected readonly indexes = new StoreIndexes();
  protected readonly now: () => number;
  private committed = 0;
  private open: OpenTransaction | undefined;
  private closed = false;
  // Events wait here while earlier ones are delivered, so a listener that writes cannot make
  // other listeners see revision n+1 before revision n.
  private readonly outbox: Array<() => void> = [];
  private delivering = false;

  constructor(options: StateStoreOptions = {}) {
    super();
    this.now = options.now ?? Date.now;
  }

  /** Makes every committed change durable; a no-op unless the subclass persists. */
  flush(): void {}

  /** Flushes, then refuses writes. */
  close(): void {
    if (this.closed) return;
    if (this.open !== undefined) throw new BerthError('INTERNAL', 'a state store cannot be closed inside a transaction');
    this.flush();
    this.closed = true;
    this.release();
  }

  /** Frees what the subclass holds; called once, by `close`, after the last flush. */
  protected release(): void {}

  /** Receives each committed transaction's changes, in commit order, before its events. */
  protected persist(_changes: CommittedChanges): void {}

  /** Fills the indexes from durable state, without events (only before the first write). */
  protected load(revision: number, stacks: Iterable<StackRecord>, tasks: Iterable<TaskRecord>, nodes: Iterable<NodeRecord>): void {
    for (const s of stacks) this.indexes.setStack(s.name, Object.freeze(s));
    for (const n of nodes) this.indexes.setNode(n.id, Object.freeze(n));
    for (const t of tasks) this.indexes.setTask(t.id, Object.freeze(t));
    this.committed = revision;
  }

  // ---- reads

  get revision(): number {
    return this.committed;
  }

  get taskCount(): number {
    return this.indexes.tasks.size;
  }

  stack(name: string): StackRecord | undefined {
    return this.indexes.stacks.get(name);
  }

  stacks(): StackRecord[] {
    return [...this.indexes.stacks.values()];
  }

  task(id: string): TaskRecord | undefined {
    return this.indexes.tasks.get(id);
  }

  tasks(): TaskRecord[] {
    return [...this.indexes.tasks.values()];
  }

  tasksOfStack(stack: string): TaskRecord[] {
    return this.indexes.tasksOfStack(stack);
  }

  tasksOfService(stack: string, service: string): TaskRecord[] {
    return this.indexes.tasksOfService(stack, service);
  }

  tasksOnNode(nodeId: string): TaskRecord[] {
    return this.indexes.tasksOnNode(nodeId);
  }

  node(id: string): NodeRecord | undefined {
    return this.indexes.nodes.get(id);
  }

  nodes(): NodeRecord[] {
    return [...this.indexes.nodes.values()];
  }

  // ---- transactions

  transaction<T>(fn: (tx: StoreTransaction) => T): T {
    if (this.open !== undefined) return fn(this);
    if (this.closed) throw new BerthError('UNAVAILABLE', 'the state store is closed');
    const tx = new OpenTransaction(this.committed + 1);
    this.open = tx;
    let result: T;
    try {
      result = fn(this);
      if (result instanceof Promise) {
        // Writes after its first await would escape the transaction; refuse the whole thing.
        result.catch(() => {});
        throw new BerthError('INTERNAL', 'a state store transaction function must be synchronous');
      }
    } catch (error) {
      this.open = undefined;
      this.rollback(tx);
      throw error;
    }
    this.open = undefined;
    this.commit(tx);
    return result;
  }

  private rollback(tx: OpenTransaction): void {
    for (const [name, before] of tx.stacks ?? []) this.indexes.setStack(name, before);
    for (const [id, before] of tx.nodes ?? []) this.indexes.setNode(id, before);
    for (const [id, before] of tx.tasks ?? []) this.indexes.setTask(id, before);
  }

  private commit(tx: OpenTransaction): void {
    const { revision } = tx;
    const changes: CommittedChanges = { revision, stacks: [], tasks: [], nodes: [] };
    for (const [name, previous] of tx.stacks ?? []) {
      const stack = this.indexes.stacks.get(name);
      if (stack !== undefined || previous !== undefined) changes.stacks.push({ revision, name, stack, previous });
    }
    for (const [id, previous] of tx.nodes ?? []) {
      const node = this.indexes.nodes.get(id);
      if (node !== undefined || previous !== undefined) changes.nodes.push({ revision, id, node, previous });
    }
    for (const [id, previous] of tx.tasks ?? []) {
      const task = this.indexes.tasks.get(id);
      if (task !== undefined || previous !== undefined) changes.tasks.push({ id, task, previous });
    }
    // A transaction that changed nothing (or only made and removed a record) is no revision.
    if (changes.stacks.length + changes.nodes.length + changes.tasks.length === 0) return;
    this.committed = revision;
    this.persist(changes);
    this.deliver(changes);
  }

  private deliver(changes: CommittedChanges): void {
    const { revision } = changes;
    // Events nobody listens to are not even made: a status update must stay cheap.
    if (this.listenerCount('stack-changed') > 0) {
      for (const change of changes.stacks) this.outbox.push(() => this.emit('stack-changed', change));
    }
    if (this.listenerCount('node-changed') > 0) {
      for (const change of changes.nodes) this.outbox.push(() => this.emit('node-changed', change));
    }
    if (changes.tasks.length > 0 && this.listenerCount('task-changed') > 0) {
      this.outbox.push(() => this.emit('task-changed', { revision, changes: changes.tasks }));
    }
    if (this.listenerCount('committed') > 0) this.outbox.push(() => this.emit('committed', { revision }));
    if (this.delivering || this.outbox.length === 0) return;
    this.delivering = true;
    // A throwing listener must not cost the others their events: deliver all, rethrow the first.
    let failure: { error: unknown } | undefined;
    try {
      for (let i = 0; i < this.outbox.length; i++) {
        try {
          this.outbox[i]!();
        } catch (error) {
          failure ??= { error };
        }
      }
    } finally {
      this.outbox.length = 0;
      this.delivering = false;
    }
    if (failure !== undefined) throw failure.error;
  }

  /** Runs `write` in the open transaction, or in a transaction of its own. */
  private write<T>(write: (tx: OpenTransaction) => T): T {
    if (this.open !== undefined) return write(this.open);
    return this.transaction(() => write(this.open!));
  }

  private setStack(tx: OpenTransaction, name: string, record: StackRecord | undefined): void {
    remember((tx.stacks ??= new Map()), name, this.indexes.stacks.get(name));
    this.indexes.setStack(name, record);
  }

  private setTask(tx: OpenTransaction, id: string, record: TaskRecord | undefined): void {
    remember((tx.tasks ??= new Map()), id, this.indexes.tasks.get(id));
    this.indexes.setTask(id, record);
  }

  private setNode(tx: OpenTransaction, id: string, record: NodeRecord | undefined): void {
    remember((tx.nodes ??= new Map()), id, this.indexes.nodes.get(id));
    this.indexes.setNode(id, record);
  }

  // ---- writes

  putStack(stack: DesiredStack): StackRecord {
    return this.write((tx) => {
      const { name } = stack.spec;
      const record: StackRecord = Object.freeze({ name, spec: stack.spec, services: stack.services, revision: tx.revision });
      this.setStack(tx, name, record);
      return record;
    });
  }

  removeStack(name: string): boolean {
    return this.write((tx) => {
      if (!this.indexes.stacks.has(name)) return false;
      this.setStack(tx, name, undefined);
      return true;
    });
  }

  putTask(task: Task): TaskRecord {
    return this.write((tx) => this.storeTask(tx, { ...task, updatedAt: this.now(), revision: tx.revision }));
  }

  updateTask(id: string, patch: TaskPatch): TaskRecord | undefined {
    return this.write((tx) => {
      const old = this.indexes.tasks.get(id);
      if (old === undefined) return undefined;
      return this.storeTask(tx, { ...old, ...patch, id, updatedAt: this.now(), revision: tx.revision });
    });
  }

  setTaskStatus(status: TaskStatus): TaskRecord | undefined {
    return this.write((tx) => {
      const old = this.indexes.tasks.get(status.taskId);
      if (old === undefined) return undefined;
      return this.storeTask(tx, { ...old, status, updatedAt: this.now(), revision: tx.revision });
    });
  }

  removeTask(id: string): boolean {
    return this.write((tx) => {
      if (!this.indexes.tasks.has(id)) return false;
      this.setTask(tx, id, undefined);
      return true;
    });
  }

  private storeTask(tx: OpenTransaction, record: TaskRecord): TaskRecord {
    Object.freeze(record);
    this.setTask(tx, record.id, record);
    return record;
  }

  putNode(node: NodeInfo, heartbeatAt?: number): NodeRecord {
    return this.write((tx) => {
      const lastHeartbeatAt = heartbeatAt ?? this.indexes.nodes.get(node.id)?.lastHeartbeatAt ?? this.now();
      return this.storeNode(tx, { ...node, lastHeartbeatAt, revision: tx.revision });
    });
  }

  updateNode(id: string, patch: NodePatch): NodeRecord | undefined {
    return this.write((tx) => {
      const old = this.indexes.nodes.get(id);
      if (old === undefined) return undefined;
      return this.storeNode(tx, { ...old, ...patch, id, revision: tx.revision });
    });
  }

  heartbeat(id: string, at?: number): NodeRecord | undefined {
    return this.write((tx) => {
      const old = this.indexes.nodes.get(id);
      if (old === undefined) return undefined;
      return this.storeNode(tx, { ...old, lastHeartbeatAt: at ?? this.now(), revision: tx.revision });
    });
  }

  removeNode(id: string): boolean {
    return this.write((tx) => {
      if (!this.indexes.nodes.has(id)) return false;
      this.setNode(tx, id, undefined);
      return true;
    });
  }

  private storeNode(tx: OpenTransaction, record: NodeRecord): NodeRecord {
    Object.freeze(record);
    this.setNode(tx, record.id, record);
    return record;
  }
}
