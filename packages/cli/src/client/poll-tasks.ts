/**
 * Polls a stack's tasks until the caller has seen enough: the loop behind `up --wait`, `up`'s
 * progress and `down`'s wait. Polling (every ~100 ms) rather than following events keeps
 * it simple and robust: a missed event can never leave it waiting.
 */
import type { ControlClient, TaskView } from './control-api.js';
import { listStackTasks } from './stack-tasks.js';

/**
 * How often the task list is fetched (ms). Half of it is, on average, added to `up --wait` and
 * `down` after the stack is ready or gone; one listing of a stack's tasks over the local socket
 * takes a millisecond or two, so polling this often costs next to nothing.
 */
export const POLL_INTERVAL_MS = 100;

/** What ends a watch. */
export type PollEnd = 'done' | 'timeout' | 'aborted';

/** Options of {@link pollTasks}. */
export interface PollOptions {
  /** Stop after this long (ms) with `timeout`; absent = no limit. */
  timeoutMs?: number;
  signal?: AbortSignal;
  intervalMs?: number;
  now?: () => number;
}

/**
 * Calls `onTasks` with the stack's tasks right away and then every interval, until it returns
 * true (`done`), the timeout passes (`timeout`) or `signal` aborts (`aborted`). A stack the
 * scheduler does not know has no tasks; other errors of the Control API propagate.
 */
export async function pollTasks(
  client: Pick<ControlClient, 'listTasks'>,
  stack: string,
  onTasks: (tasks: TaskView[], now: number) => boolean,
  options: PollOptions = {},
): Promise<PollEnd> {
  const now = options.now ?? Date.now;
  const interval = options.intervalMs ?? POLL_INTERVAL_MS;
  const deadline = options.timeoutMs === undefined ? Infinity : now() + options.timeoutMs;
  for (;;) {
    if (isAborted(options.signal)) return 'aborted';
    const tasks = await listStackTasks(client, stack);
    // Checked again: the signal may have fired while the list was on its way.
    if (isAborted(options.signal)) return 'aborted';
    if (onTasks(tasks, now())) return 'done';
    const left = deadline - now();
    if (left <= 0) return 'timeout';
    await sleep(Math.min(interval, left), options.signal);
  }
}

function isAborted(signal: AbortSignal | undefined): boolean {
  return signal?.aborted === true;
}

/** Resolves after `ms`, or early when `signal` aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve();
      return;
    }
    const timer = setTimeout(finish, ms);
    function finish(): void {
      clearTimeout(timer);
      signal?.removeEventListener('abort', finish);
      resolve();
    }
    signal?.addEventListener('abort', finish, { once: true });
  });
}
