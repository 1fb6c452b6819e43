/**
 * The Control API's read side: summaries and lists made from the state store, sorted the way
 * the CLI prints them. A stack that is gone but still has tasks (stopping after a remove) can
 * still be listed; a name with neither is NOT_FOUND.
 */
import { BerthError, type NodeInfo, type TaskState } from '@berth/api';
import type { Task } from '../reconcile/model.js';
import type { StateStoreReads } from '../store/state-store.js';
import type { NodeRecord } from '../store/store-records.js';
import type { ServiceSummary, StackSummary } from './views.js';

/** The states a task does not leave: it ended (or, `lost`, its node stopped answering). */
export const ENDED_TASK_STATES: ReadonlySet<TaskState> = new Set(['exited', 'failed', 'stopped', 'lost']);

/** Whether a task is meant to run and has not ended (it holds a slot and node resources). */
export function isLive(task: Task): boolean {
  return task.desired === 'run' && !ENDED_TASK_STATES.has(task.status.state);
}

/** Whether a task is meant to run and is running. */
export function isRunning(task: Task): boolean {
  return task.desired === 'run' && task.status.state === 'running';
}

/**
 * Whether nothing of the task is left to stop: it ended, or it never reached a node. (A `lost`
 * task's node is unreachable; waiting for it would wait for the node, not the task.)
 */
export function isSettled(task: Task): boolean {
  return ENDED_TASK_STATES.has(task.status.state) || (task.nodeId === undefined && task.status.state === 'pending');
}

const byText = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** Orders tasks by stack, service, slot, then creation (global tasks share slot 0). */
export function compareTasks(a: Task, b: Task): number {
  return byText(a.stack, b.stack) || byText(a.service, b.service) || a.slot - b.slot || a.createdAt - b.createdAt || byText(a.id, b.id);
}

/** Throws NOT_FOUND unless `stack` is stored or still has tasks. */
export function requireStack(store: StateStoreReads, stack: string): void {
  if (store.stack(stack) === undefined && store.tasksOfStack(stack).length === 0) {
    throw new BerthError('NOT_FOUND', `no stack named ${JSON.stringify(stack)}`, { context: { stack } });
  }
}

/** Every stored stack, by name. */
export function stackSummaries(store: StateStoreReads): StackSummary[] {
  return store
    .stacks()
    .sort((a, b) => byText(a.name, b.name))
    .map((record) => {
      const services = serviceSummaries(store, record.name);
      return {
        name: record.name,
        services: services.length,
        tasksDesired: services.reduce((n, s) => n + s.replicasDesired, 0),
        tasksRunning: services.reduce((n, s) => n + s.replicasRunning, 0),
        revision: record.revision,
      };
    });
}

/** The services of one stack (or of every stack when `stack` is empty), by stack then name. */
export function serviceSummaries(store: StateStoreReads, stack = ''): ServiceSummary[] {
  if (stack !== '') requireStack(store, stack);
  const records = stack === '' ? store.stacks() : [store.stack(stack)].filter((r) => r !== undefined);
  const summaries: ServiceSummary[] = [];
  for (const record of records) {
    for (const [name, service] of Object.entries(record.spec.services)) {
      const tasks = store.tasksOfService(record.name, name);
      const live = tasks.filter(isLive).length;
      summaries.push({
        stack: record.name,
        name,
        mode: service.deploy.mode,
        replicasDesired: service.deploy.mode === 'global' ? live : service.deploy.replicas,
        replicasRunning: tasks.filter(isRunning).length,
        ...(service.image !== undefined ? { image: service.image } : {}),
        ports: service.ports,
      });
    }
  }
  return summaries.sort((a, b) => byText(a.stack, b.stack) || byText(a.name, b.name));
}

/** Tasks filtered by stack and service (empty = all), in {@link compareTasks} order. */
export function listTasks(store: StateStoreReads, stack = '', service = ''): Task[] {
  if (service !== '' && stack === '') throw new BerthError('USAGE', 'a service filter needs a stack');
  if (stack === '') return store.tasks().sort(compareTasks);
  requireStack(store, stack);
  if (service === '') return store.tasksOfStack(stack).sort(compareTasks);
  const tasks = store.tasksOfService(stack, service);
  if (tasks.length === 0 && store.stack(stack)?.spec.services[service] === undefined) {
    throw new BerthError('NOT_FOUND', `stack ${JSON.stringify(stack)} has no service ${JSON.stringify(service)}`, {
      context: { stack, service },
    });
  }
  return tasks.sort(compareTasks);
}

/** Every node record, by name then id. */
export function sortedNodes(store: StateStoreReads): NodeRecord[] {
  return store.nodes().sort((a, b) => byText(a.name, b.name) || byText(a.id, b.id));
}

/** A node record without the store's bookkeeping. */
export function nodeInfo({ lastHeartbeatAt: _h, revision: _r, ...node }: NodeRecord): NodeInfo {
  return node;
}

/** Every node, by name then id, without the store's bookkeeping. */
export function listNodes(store: StateStoreReads): NodeInfo[] {
  return sortedNodes(store).map(nodeInfo);
}
