/**
 * Watches a freshly deployed stack: polls its tasks, shows each poll as progress lines and
 * decides, by the `up --wait` rules, until the caller's condition holds, the timeout passes
 * or the signal aborts.
 */
import { progressEntries, type ProgressEntry } from '../output/progress-lines.js';
import type { ControlClient, TaskView } from './control-api.js';
import { pollTasks, type PollEnd } from './poll-tasks.js';
import type { ServiceExpectation } from './service-expectations.js';
import { trackUnplaceable } from './task-readiness.js';
import { decideWait, type WaitDecision } from './wait-condition.js';

/**
 * How long a task may stay unplaceable before `up --wait` gives up on it (ms): long enough for
 * a just-started daemon's agent to register, short enough not to wait out the whole timeout.
 */
export const UNPLACEABLE_GRACE_MS = 5_000;

/** What to watch and when to stop. */
export interface WatchStackOptions {
  stack: string;
  services: ReadonlyMap<string, ServiceExpectation>;
  /** Tasks the deploy replaces (see `outdated-tasks.ts`); they do not count. */
  outdated?: ReadonlySet<string>;
  /** Called with the progress entries of every poll. */
  show: (entries: ProgressEntry[]) => void;
  /** Ends the watch (`done`) when true. */
  until: (tasks: readonly TaskView[], decision: WaitDecision) => boolean;
  timeoutMs?: number;
  signal?: AbortSignal;
  unplaceableGraceMs?: number;
}

/** How the watch ended, with the last decision. */
export interface WatchResult {
  end: PollEnd;
  decision: WaitDecision;
  /** The last task list seen. */
  tasks: TaskView[];
}

/** Watches until `until` holds, the timeout passes or `signal` aborts. */
export async function watchStack(client: Pick<ControlClient, 'listTasks'>, options: WatchStackOptions): Promise<WatchResult> {
  let unplaceableSince = new Map<string, number>();
  let decision: WaitDecision = { outcome: 'pending', notReady: [] };
  let last: TaskView[] = [];
  const end = await pollTasks(
    client,
    options.stack,
    (tasks, now) => {
      last = tasks;
      unplaceableSince = trackUnplaceable(unplaceableSince, tasks, now);
      const ctx = {
        now,
        unplaceableSince,
        unplaceableGraceMs: options.unplaceableGraceMs ?? UNPLACEABLE_GRACE_MS,
        ...(options.outdated !== undefined ? { outdated: options.outdated } : {}),
      };
      decision = decideWait(tasks, options.services, ctx);
      options.show(progressEntries(tasks, options.services, ctx));
      return options.until(tasks, decision);
    },
    {
      ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
      ...(options.signal !== undefined ? { signal: options.signal } : {}),
    },
  );
  return { end, decision, tasks: last };
}
