/**
 * One task as the supervisor holds it: its runner, the desired state the node enforces, and
 * what tasks.json last recorded of it. The record is rewritten when a task's restart count or
 * final status changes, which is what a restarted agent needs; other status changes (health,
 * messages) are the scheduler's news, not the file's, so they cost no write.
 */
import { canonicalJson, type DesiredTaskState } from '@berth/api';
import type { FinalStatus, TaskRunner } from '../task/task-runner.js';
import type { PersistedTask } from './persisted-tasks.js';

/** A task the supervisor runs. */
export interface SupervisedTask {
  runner: TaskRunner;
  desiredState: DesiredTaskState;
  /** Restart count and final status last written to tasks.json. */
  saved: string;
}

/** What tasks.json records of `t`; marks that as saved. */
export function recordOf(t: SupervisedTask): PersistedTask {
  const { restarts } = t.runner.status;
  const final = t.runner.final;
  t.saved = savedKey(restarts, final);
  return { task: t.runner.task, desiredState: t.desiredState, restarts, ...(final ? { final } : {}) };
}

/** True when `restarts` or `t`'s final status differ from what tasks.json last recorded of `t`. */
export function recordChanged(t: SupervisedTask, restarts: number): boolean {
  return savedKey(restarts, t.runner.final) !== t.saved;
}

/** What of a task's status tasks.json keeps, as a comparable string. */
function savedKey(restarts: number, final: FinalStatus | undefined): string {
  return canonicalJson({ restarts, final });
}
