/** `berth ls`: deployed stacks as table rows. Pure. */
import type { StackSummary } from '../client/control-api.js';
import type { Column } from './table.js';

/** The table's columns. */
export const STACK_COLUMNS: readonly Column[] = [{ header: 'NAME' }, { header: 'SERVICES' }, { header: 'TASKS' }];

/** One row: name, service count, `running/desired` tasks. */
export function stackRow(stack: StackSummary): string[] {
  return [stack.name, String(stack.services), `${stack.tasksRunning}/${stack.tasksDesired}`];
}
