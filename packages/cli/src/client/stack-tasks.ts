/** A stack's tasks, where a stack that does not exist (any more) simply has none. */
import { isBerthError } from '@berth/api/domain';
import type { ControlClient, TaskView } from './control-api.js';

/** The tasks of `stack`; empty when the scheduler knows no such stack (NOT_FOUND). */
export async function listStackTasks(client: Pick<ControlClient, 'listTasks'>, stack: string): Promise<TaskView[]> {
  try {
    return await client.listTasks({ stack });
  } catch (e) {
    // After `down` (or before any `up`) the stack is gone: for ps and the waits that is "no tasks".
    if (isBerthError(e, 'NOT_FOUND')) return [];
    throw e;
  }
}
