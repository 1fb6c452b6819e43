/** Collects one round's decisions into a `Plan`, keeping every list in decision order. */
import type { Plan, StopReason, Task } from './model.js';

/**
 * Accumulates keep/stop/place/replace decisions; `waiting` and `unassigned` are filled last.
 * Creations are capped at `maxNew`: past it, `mayCreate` says no and counts a deferred task.
 */
export class PlanBuilder {
  readonly place: Task[] = [];
  readonly keep: string[] = [];
  readonly stop: Plan['stop'] = [];
  readonly replace: Plan['replace'] = [];
  /** Kept tasks that have no node yet, so placement retries them. */
  readonly keptPending: Task[] = [];
  /** Tasks not created (or replaced) because the cap was reached. */
  deferred = 0;

  constructor(private readonly maxNew = Infinity) {}

  /** Whether one more task may be created this round; when not, it counts as deferred. */
  mayCreate(): boolean {
    if (this.place.length < this.maxNew) return true;
    this.deferred += 1;
    return false;
  }

  /** Leaves `task` as it is. */
  keepTask(task: Task): void {
    this.keep.push(task.id);
    if (task.nodeId === undefined) this.keptPending.push(task);
  }

  /**
   * Keeps `task` for now although it is due for replacement (the round's cap was reached):
   * it stays where it is, and is not placed when it has no node.
   */
  holdTask(task: Task): void {
    this.keep.push(task.id);
  }

  /** Stops `task`. */
  stopTask(task: Task, reason: StopReason): void {
    this.stop.push({ taskId: task.id, reason });
  }

  /** Adds a new task. */
  create(task: Task): void {
    this.place.push(task);
  }

  /** Stops `old` and adds `fresh` in its place. */
  replaceTask(old: Task, fresh: Task, reason: StopReason): void {
    this.stopTask(old, reason);
    this.create(fresh);
    this.replace.push({ old: old.id, new: fresh.id, reason });
  }
}
