/** `berth ps`: tasks as table rows or as JSON objects. Pure. */
import type { TaskView } from '../client/control-api.js';
import type { Column } from './table.js';
import { taskName } from './task-name.js';
import { healthText } from './task-status-text.js';

/** A task in `ps --format json`: exactly these keys, absent values as null. */
export interface TaskJson {
  id: string;
  stack: string;
  service: string;
  slot: number;
  /** The node's name (its id when the name is unknown); null while pending. */
  node: string | null;
  state: string;
  health: string;
  restarts: number;
  exitCode: number | null;
  message: string;
}

const ENDED = new Set(['exited', 'failed', 'stopped']);

/** Tasks in the order `ps` lists them: stack, service, slot, then tasks that should run first. */
export function sortTasks(tasks: readonly TaskView[]): TaskView[] {
  return [...tasks].sort(
    (a, b) =>
      a.stack.localeCompare(b.stack) ||
      a.service.localeCompare(b.service) ||
      a.slot - b.slot ||
      (a.desired === b.desired ? 0 : a.desired === 'run' ? -1 : 1) ||
      a.id.localeCompare(b.id),
  );
}

/** The JSON object of one task. */
export function taskJson(task: TaskView): TaskJson {
  return {
    id: task.id,
    stack: task.stack,
    service: task.service,
    slot: task.slot,
    node: nodeOf(task) ?? null,
    state: task.state,
    health: task.health,
    restarts: task.restarts,
    exitCode: task.exitCode ?? null,
    message: task.message,
  };
}

/** The table's columns; a STACK column leads when the tasks come from more than one stack. */
export function taskColumns(withStack: boolean): Column[] {
  const names = ['NAME', 'SERVICE', 'NODE', 'STATE', 'HEALTH', 'RESTARTS', 'EXIT', 'MESSAGE'];
  return (withStack ? ['STACK', ...names] : names).map((header) => ({ header }));
}

/** One table row; a task told to stop that has not ended yet reads `stopping`. */
export function taskRow(task: TaskView, withStack: boolean): string[] {
  const state = task.desired === 'stop' && !ENDED.has(task.state) ? 'stopping' : task.state;
  const row = [
    taskName(task),
    task.service,
    nodeOf(task) ?? '',
    state,
    healthText(task.health),
    String(task.restarts),
    task.exitCode === undefined ? '' : String(task.exitCode),
    task.message,
  ];
  return withStack ? [task.stack, ...row] : row;
}

function nodeOf(task: TaskView): string | undefined {
  return task.nodeName !== undefined && task.nodeName !== '' ? task.nodeName : task.nodeId;
}
