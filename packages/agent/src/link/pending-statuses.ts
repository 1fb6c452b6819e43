/**
 * Task statuses waiting for a registered stream. Only the latest status of each task matters to
 * the scheduler (a status is the whole observed state, not a delta), so a disconnect of any
 * length costs at most one entry per task.
 */
import type { TaskStatus } from '@berth/api';

/** The latest unsent status per task, in order of each task's last change. */
export class PendingStatuses {
  readonly #byTask = new Map<string, TaskStatus>();

  /** Number of tasks with a status waiting. */
  get size(): number {
    return this.#byTask.size;
  }

  /** Records statuses; a later status of a task replaces the earlier one. */
  add(statuses: readonly TaskStatus[]): void {
    for (const status of statuses) {
      // Delete first so iteration order follows the latest change, not the first.
      this.#byTask.delete(status.taskId);
      this.#byTask.set(status.taskId, status);
    }
  }

  /** Everything waiting, emptying the buffer. */
  take(): TaskStatus[] {
    const statuses = [...this.#byTask.values()];
    this.#byTask.clear();
    return statuses;
  }
}
