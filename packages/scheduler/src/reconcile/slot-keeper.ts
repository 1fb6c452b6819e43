/**
 * When several live tasks claim one slot (or one global node) — a stale copy on a node that
 * came back after its replacement was made, say — one is kept and the rest stopped. The best
 * is the one that is current, can stay where it is, and is furthest along, newest first.
 */
import type { TaskState } from '@berth/api';
import type { StopReason, Task } from './model.js';

const STATE_RANK: Readonly<Record<TaskState, number>> = {
  running: 0,
  starting: 1,
  preparing: 2,
  assigned: 3,
  pending: 4,
  exited: 5,
  failed: 5,
  stopped: 5,
  lost: 6,
};

/** Picks the task to keep among `tasks` (non-empty); the others are duplicates. */
export function slotKeeper(
  tasks: readonly Task[],
  currentHash: string,
  whyMove: (t: Task) => StopReason | undefined,
): { keeper: Task; duplicates: Task[] } {
  if (tasks.length === 1) return { keeper: tasks[0]!, duplicates: [] };
  const ranked = tasks
    .map((t) => ({ t, key: [t.specHash === currentHash ? 0 : 1, whyMove(t) === undefined ? 0 : 1, STATE_RANK[t.status.state], -t.createdAt] }))
    .sort((a, b) => {
      for (let i = 0; i < a.key.length; i++) {
        const d = a.key[i]! - b.key[i]!;
        if (d !== 0) return d;
      }
      return a.t.id < b.t.id ? -1 : a.t.id > b.t.id ? 1 : 0;
    });
  return { keeper: ranked[0]!.t, duplicates: ranked.slice(1).map((r) => r.t) };
}
