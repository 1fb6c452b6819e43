/**
 * Cluster events made from the state store's change events: a stack deployed, re-deployed,
 * scaled (only replica counts changed) or removed; a task created, removed, or changing state,
 * health or pending reason; a node registered, removed, or changing state or availability.
 * Heartbeats and other bookkeeping writes make no event. With a stack filter only that stack's
 * stack and task events pass (node events concern no stack).
 */
import type { TaskStatus } from '@berth/api';
import type { StateStoreEventSource } from '../store/state-store.js';
import type { NodeChange, StackChange, TaskChange, TaskChangeBatch } from '../store/store-events.js';
import { planDeploy } from './deploy-plan.js';
import type { BerthEvent } from './views.js';

/** Where events go and how they are dated. */
export interface EventFeedOptions {
  /** Only this stack's events; empty or absent = everything. */
  stack?: string;
  now: () => number;
  emit: (event: BerthEvent) => void;
}

function stateText(status: TaskStatus): string {
  const exit = status.exitCode !== undefined && (status.state === 'exited' || status.state === 'failed') ? ` (exit code ${status.exitCode})` : '';
  return `${status.state}${exit}${status.message !== '' ? `: ${status.message}` : ''}`;
}

/** The event for one stack change. */
export function stackEvent(change: StackChange, time: number): BerthEvent {
  const { stack, previous, name } = change;
  if (stack === undefined) return { time, kind: 'remove', stack: name, message: 'removed' };
  if (previous === undefined) {
    return { time, kind: 'deploy', stack: name, message: `deployed (${Object.keys(stack.spec.services).sort().join(', ')})` };
  }
  const { changes } = planDeploy(stack.spec, previous);
  const touched = changes.filter((c) => c.kind !== 'unchanged');
  const scaleOnly = touched.length > 0 && touched.every((c) => c.kind === 'updated' && c.changedFields.every((f) => f === 'deploy.replicas'));
  if (scaleOnly) {
    const counts = touched.map((c) => `${c.service}=${stack.spec.services[c.service]?.deploy.replicas ?? 0}`);
    return { time, kind: 'scale', stack: name, message: counts.join(', ') };
  }
  const parts = touched.map((c) => `${c.service} ${c.kind}`);
  return { time, kind: 'deploy', stack: name, message: parts.length === 0 ? 'updated' : `updated (${parts.join(', ')})` };
}

/** The event for one task change, or undefined when nothing a person watches changed. */
export function taskEvent(change: TaskChange, time: number): BerthEvent | undefined {
  const { task, previous } = change;
  const subject = task ?? previous;
  if (subject === undefined) return undefined;
  const ids = { stack: subject.stack, service: subject.service, taskId: subject.id, ...(subject.nodeId !== undefined ? { nodeId: subject.nodeId } : {}) };
  const event = (message: string): BerthEvent => ({ time, kind: 'task-state', ...ids, message });
  if (task === undefined) return event('removed');
  const pending = task.pendingReason !== undefined ? `pending: ${task.pendingReason}` : 'pending';
  if (previous === undefined) return event(task.status.state === 'pending' ? pending : stateText(task.status));
  if (task.status.state !== previous.status.state) {
    return event(task.status.state === 'pending' ? pending : stateText(task.status));
  }
  if (task.status.health !== previous.status.health) return event(`health: ${task.status.health}`);
  if (task.pendingReason !== undefined && task.pendingReason !== previous.pendingReason) return event(pending);
  return undefined;
}

/** The event for one node change, or undefined for a heartbeat or another bookkeeping write. */
export function nodeEvent(change: NodeChange, time: number): BerthEvent | undefined {
  const { node, previous, id } = change;
  const event = (message: string): BerthEvent => ({ time, kind: 'node-state', nodeId: id, message });
  if (node === undefined) return event('removed');
  if (previous === undefined) return event(`registered (${node.state})`);
  if (node.state !== previous.state) return event(node.state);
  if (node.availability !== previous.availability) return event(`availability: ${node.availability}`);
  return undefined;
}

/**
 * Subscribes to `store` and emits events until the returned function is called. Listeners never
 * throw: a store rethrows a listener's error to the writer, which must not pay for a watcher.
 */
export function watchStoreEvents(store: StateStoreEventSource, options: EventFeedOptions): () => void {
  const filter = options.stack ?? '';
  const safely = (fn: () => void): void => {
    try {
      fn();
    } catch {
      // A broken event (or a closed stream) must not fail the store write that caused it.
    }
  };
  const onStack = (change: StackChange): void =>
    safely(() => {
      if (filter === '' || change.name === filter) options.emit(stackEvent(change, options.now()));
    });
  const onTasks = (batch: TaskChangeBatch): void =>
    safely(() => {
      const time = options.now();
      for (const change of batch.changes) {
        const stack = (change.task ?? change.previous)?.stack;
        if (filter !== '' && stack !== filter) continue;
        const event = taskEvent(change, time);
        if (event !== undefined) options.emit(event);
      }
    });
  const onNode = (change: NodeChange): void =>
    safely(() => {
      if (filter !== '') return;
      const event = nodeEvent(change, options.now());
      if (event !== undefined) options.emit(event);
    });
  store.on('stack-changed', onStack);
  store.on('task-changed', onTasks);
  store.on('node-changed', onNode);
  return () => {
    store.off('stack-changed', onStack);
    store.off('task-changed', onTasks);
    store.off('node-changed', onNode);
  };
}
