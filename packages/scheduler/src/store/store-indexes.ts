/**
 * The in-memory indexes behind a state store: records by key, and task ids by stack, by
 * service and by node. Secondary indexes hold ids, not records, so the hot write (a status
 * update, which moves a task in no index) touches only the primary map.
 */
import { serviceKey, type ServiceKey } from '../reconcile/model.js';
import type { NodeRecord, StackRecord, TaskRecord } from './store-records.js';

/** Adds `id` to the set under `key`, creating the set on first use. */
function addTo(index: Map<string, Set<string>>, key: string, id: string): void {
  let ids = index.get(key);
  if (ids === undefined) {
    ids = new Set();
    index.set(key, ids);
  }
  ids.add(id);
}

/** Removes `id` from the set under `key`, dropping the set when it empties. */
function removeFrom(index: Map<string, Set<string>>, key: string, id: string): void {
  const ids = index.get(key);
  if (ids === undefined) return;
  ids.delete(id);
  if (ids.size === 0) index.delete(key);
}

/** Records by key plus the task indexes; `set*` with undefined deletes. */
export class StoreIndexes {
  readonly stacks = new Map<string, StackRecord>();
  readonly tasks = new Map<string, TaskRecord>();
  readonly nodes = new Map<string, NodeRecord>();
  private readonly byStack = new Map<string, Set<string>>();
  private readonly byService = new Map<ServiceKey, Set<string>>();
  private readonly byNode = new Map<string, Set<string>>();

  /** Stores or (undefined) deletes a stack. */
  setStack(name: string, record: StackRecord | undefined): void {
    if (record === undefined) this.stacks.delete(name);
    else this.stacks.set(name, record);
  }

  /** Stores or (undefined) deletes a node. */
  setNode(id: string, record: NodeRecord | undefined): void {
    if (record === undefined) this.nodes.delete(id);
    else this.nodes.set(id, record);
  }

  /** Stores or (undefined) deletes a task, moving it between index entries as needed. */
  setTask(id: string, record: TaskRecord | undefined): void {
    const old = this.tasks.get(id);
    if (record === undefined) this.tasks.delete(id);
    else this.tasks.set(id, record);

    if (old?.stack !== record?.stack) {
      if (old !== undefined) removeFrom(this.byStack, old.stack, id);
      if (record !== undefined) addTo(this.byStack, record.stack, id);
    }
    if (old?.stack !== record?.stack || old?.service !== record?.service) {
      if (old !== undefined) removeFrom(this.byService, serviceKey(old.stack, old.service), id);
      if (record !== undefined) addTo(this.byService, serviceKey(record.stack, record.service), id);
    }
    if (old?.nodeId !== record?.nodeId) {
      if (old?.nodeId !== undefined) removeFrom(this.byNode, old.nodeId, id);
      if (record?.nodeId !== undefined) addTo(this.byNode, record.nodeId, id);
    }
  }

  /** The tasks of a stack. */
  tasksOfStack(stack: string): TaskRecord[] {
    return this.resolve(this.byStack.get(stack));
  }

  /** The tasks of a service. */
  tasksOfService(stack: string, service: string): TaskRecord[] {
    return this.resolve(this.byService.get(serviceKey(stack, service)));
  }

  /** The tasks placed on a node. */
  tasksOnNode(nodeId: string): TaskRecord[] {
    return this.resolve(this.byNode.get(nodeId));
  }

  private resolve(ids: Set<string> | undefined): TaskRecord[] {
    if (ids === undefined) return [];
    const out: TaskRecord[] = [];
    for (const id of ids) {
      const task = this.tasks.get(id);
      if (task !== undefined) out.push(task);
    }
    return out;
  }
}
