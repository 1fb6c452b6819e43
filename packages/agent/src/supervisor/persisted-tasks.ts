/**
 * The agent's own record of its tasks (`<dataDir>/tasks.json`): each assigned task's descriptor,
 * desired state, restart count and, once it ended for good, its final status. It lets tasks keep
 * running and restarting by local policy while the scheduler is away, and lets a restarted agent
 * re-adopt its workloads with their counts (the docker driver cannot store counts itself).
 * This module is the format: building, parsing and checking it; task-state-store.ts writes it.
 */
import type { DesiredTaskState } from '@berth/api';
import type { TaskDescriptor } from '../runtime/runtime.js';
import type { FinalStatus } from '../task/task-runner.js';

/** Format version; a file of another version is ignored rather than misread. */
export const PERSISTED_TASKS_VERSION = 1;

/** One task as persisted. */
export interface PersistedTask {
  task: TaskDescriptor;
  desiredState: DesiredTaskState;
  restarts: number;
  /** Set once the task ended for good; a restarted agent reports it and does not run it again. */
  final?: FinalStatus;
}

/** The whole file. */
export interface PersistedTasks {
  version: typeof PERSISTED_TASKS_VERSION;
  /** Revision of the last assignment set applied (0 = none). */
  revision: number;
  tasks: PersistedTask[];
}

/** An empty record. */
export function emptyPersistedTasks(): PersistedTasks {
  return { version: PERSISTED_TASKS_VERSION, revision: 0, tasks: [] };
}

/**
 * Reads the file's text; throws an Error saying what is wrong when it is not a record this
 * version wrote. Tasks that are malformed on their own are dropped, not the whole file.
 */
export function parsePersistedTasks(text: string): { tasks: PersistedTasks; dropped: number } {
  const data: unknown = JSON.parse(text);
  if (!isObject(data)) throw new Error('not a JSON object');
  if (data.version !== PERSISTED_TASKS_VERSION) throw new Error(`unsupported version ${String(data.version)}`);
  if (!Array.isArray(data.tasks)) throw new Error('"tasks" is not an array');
  const revision = typeof data.revision === 'number' && data.revision >= 0 ? data.revision : 0;
  const tasks = (data.tasks as unknown[]).filter(isPersistedTask);
  return {
    tasks: { version: PERSISTED_TASKS_VERSION, revision, tasks },
    dropped: data.tasks.length - tasks.length,
  };
}

function isPersistedTask(value: unknown): value is PersistedTask {
  if (!isObject(value) || !isObject(value.task)) return false;
  const { task } = value;
  const ref = task.ref;
  return (
    isObject(ref) &&
    typeof ref.taskId === 'string' &&
    ref.taskId !== '' &&
    isObject(task.spec) &&
    isObject(task.spec.restart) &&
    isObject(task.spec.berth) &&
    (value.desiredState === 'run' || value.desiredState === 'stop') &&
    typeof value.restarts === 'number' &&
    (value.final === undefined || isFinalStatus(value.final))
  );
}

function isFinalStatus(value: unknown): value is FinalStatus {
  return (
    isObject(value) &&
    (value.state === 'exited' || value.state === 'failed' || value.state === 'stopped') &&
    typeof value.message === 'string'
  );
}

function isObject(value: unknown): value is Record<string, unknown> & { [k: string]: unknown } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
