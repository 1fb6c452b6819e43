/**
 * Removes a stack and waits, bounded, until its tasks are gone: what `down` does, and attached
 * `up` on Ctrl-C. The scheduler's Remove itself waits until the tasks have stopped (each
 * service's stop grace, or the timeout given); the records of stopped tasks then go shortly
 * after, which is what this waits for.
 */
import { isBerthError } from '@berth/api/domain';
import type { ControlClient, TaskView } from './control-api.js';
import { pollTasks } from './poll-tasks.js';

/** How long to wait for task records to go once Remove has returned (ms). */
export const GONE_WAIT_MS = 15_000;

const ENDED = new Set(['exited', 'failed', 'stopped']);

/** What removing did. */
export type RemoveOutcome =
  | { deployed: false }
  /** `stillRunning`: tasks not stopped when the wait ended (empty when the stack is down). */
  | { deployed: true; removedServices: string[]; stillRunning: TaskView[] };

/** Removes `stack`; a stack the scheduler does not know is reported as not deployed, not thrown. */
export async function removeStack(
  client: Pick<ControlClient, 'remove' | 'listTasks'>,
  stack: string,
  options: { removeVolumes?: boolean; timeoutMs?: number } = {},
): Promise<RemoveOutcome> {
  let removedServices: string[];
  try {
    ({ removedServices } = await client.remove(stack, options));
  } catch (e) {
    if (isBerthError(e, 'NOT_FOUND')) return { deployed: false };
    throw e;
  }
  let left: TaskView[] = [];
  await pollTasks(
    client,
    stack,
    (tasks) => {
      left = tasks;
      return tasks.length === 0;
    },
    { timeoutMs: GONE_WAIT_MS },
  );
  // Records of ended tasks that linger hold nothing: the stack is down all the same.
  return { deployed: true, removedServices, stillRunning: left.filter((t) => !ENDED.has(t.state)) };
}
