/**
 * What the dispatcher does to the tasks of a node whose lease ran out, pure.
 *
 * A node silent for the grace is down; silent for the grace plus the fence margin, its agent has
 * stopped its tasks itself (it fences when its own lease, timed from the send time of its last
 * acknowledged heartbeat, runs out), so those tasks are recorded `lost` and reconcile replaces
 * them elsewhere. Tasks of services that keep running when disconnected are not touched: the
 * agent never stops them, and reconcile moved them as soon as the node was down.
 *
 * `lost` is the scheduler's verdict, not the agent's report, and it is final: a report from the
 * node that comes back must not revive the task (reconcile would then keep it next to, or
 * instead of, its replacement). Once the task has been told to stop (desired `stop`), a report
 * that it ended is still taken, so the record can be forgotten without waiting.
 */
import type { TaskState, TaskStatus } from '@berth/api';
import type { StateStoreReads } from '../store/state-store.js';
import type { TaskRecord } from '../store/store-records.js';

const ENDED: ReadonlySet<TaskState> = new Set(['stopped', 'exited', 'failed']);

/** Whether `task`'s service keeps running while its node is cut off (`x-berth.keep_running_when_disconnected`). */
export function keepsRunningWhenDisconnected(reads: Pick<StateStoreReads, 'stack'>, task: Pick<TaskRecord, 'stack' | 'service'>): boolean {
  const services = reads.stack(task.stack)?.spec.services;
  if (services === undefined || !Object.hasOwn(services, task.service)) return false;
  return services[task.service]?.berth.keepRunningWhenDisconnected === true;
}

/**
 * The tasks of an expired node to record as lost: desired `run`, not lost already, and of a
 * service that does not keep running when disconnected (`keepsRunning`).
 */
export function tasksToGiveUp<T extends Pick<TaskRecord, 'desired' | 'status'>>(tasks: readonly T[], keepsRunning: (task: T) => boolean): T[] {
  return tasks.filter((t) => t.desired === 'run' && t.status.state !== 'lost' && !keepsRunning(t));
}

/** The message of a task given up on: `node web-2 silent for 4.0 s: lease expired, its agent stopped the task`. */
export function leaseExpiredMessage(node: string, silentMs: number): string {
  return `node ${node} silent for ${(silentMs / 1000).toFixed(1)} s: lease expired, its agent stopped the task`;
}

/** `status` turned `lost` at `now` (epoch ms) with `message`; what was last known (restarts, runtime id) is kept. */
export function lostStatus(status: TaskStatus, message: string, now: number): TaskStatus {
  return { ...status, state: 'lost', message, stateTimes: { ...status.stateTimes, lost: now } };
}

/**
 * Whether node `nodeId`'s report `reported` may be recorded on the stored task: it must be the
 * store's task on that node (a task the store does not know is stopped by the complete set; one
 * it has elsewhere is a stale copy), and a task the scheduler gave up on (`lost`) only takes a
 * report that it ended, once it has been told to stop.
 */
export function acceptsReport(stored: Pick<TaskRecord, 'nodeId' | 'desired' | 'status'> | undefined, nodeId: string, reported: TaskStatus): boolean {
  if (stored?.nodeId !== nodeId) return false;
  if (stored.status.state !== 'lost') return true;
  return stored.desired === 'stop' && ENDED.has(reported.state);
}
