/**
 * The progress display of `up`: one entry per task (`✔ web-1   running (healthy)`), marked done,
 * working or failed by the same readiness rules `up --wait` decides by. Pure: the commands hand
 * the lines to a live block (terminal) or a change printer (pipe, log file).
 */
import type { TaskView } from '../client/control-api.js';
import type { ServiceExpectation } from '../client/service-expectations.js';
import { taskReadiness } from '../client/task-readiness.js';
import { currentTasks, type WaitContext } from '../client/wait-condition.js';
import { truncate } from './table.js';
import { taskName } from './task-name.js';
import { describeTask } from './task-status-text.js';

/** How a task is doing, as a mark: ✔ ready, a spinner while on its way, ✘ failed for good. */
export type ProgressMark = 'done' | 'working' | 'failed';

/** One task's line before styling. */
export interface ProgressEntry {
  /** The task id: a replacement task in the same slot is a new entry. */
  key: string;
  name: string;
  mark: ProgressMark;
  text: string;
}

/** How terminal lines are drawn. */
export interface ProgressStyle {
  /** Spinner frame counter; any integer. */
  frame: number;
  color: boolean;
  /** Terminal columns; lines are cut to fit so a wrap never breaks the in-place redraw. */
  width?: number;
}

/** Braille spinner frames, as most CLIs draw them. */
export const SPINNER_FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

const MARK_COLOR: Readonly<Record<ProgressMark, number>> = { done: 32, working: 36, failed: 31 };

/** The entries for the stack's current tasks (told to run, not outdated), by service then slot. */
export function progressEntries(tasks: readonly TaskView[], services: ReadonlyMap<string, ServiceExpectation>, ctx: WaitContext): ProgressEntry[] {
  return currentTasks(tasks, ctx.outdated).map((task) => {
    const readiness = taskReadiness(task, services.get(task.service), ctx);
    return {
      key: task.id,
      name: taskName(task),
      mark: readiness.kind === 'ready' ? 'done' : readiness.kind === 'failed' ? 'failed' : 'working',
      text: describeTask(task),
    };
  });
}

/** Terminal lines: mark, name padded to the longest, status; colored and cut to the width. */
export function terminalLines(entries: readonly ProgressEntry[], style: ProgressStyle): string[] {
  const nameWidth = Math.max(0, ...entries.map((e) => [...e.name].length));
  return entries.map((e) => {
    const symbol = e.mark === 'done' ? '✔' : e.mark === 'failed' ? '✘' : (SPINNER_FRAMES[mod(style.frame, SPINNER_FRAMES.length)] ?? '-');
    const plain = `${e.name.padEnd(nameWidth)}  ${e.text}`;
    // One column is left free: writing into the last column makes some terminals wrap early.
    const body = style.width === undefined ? plain : truncate(plain, Math.max(1, style.width - 3));
    return `${style.color ? `\u001b[${MARK_COLOR[e.mark]}m${symbol}\u001b[0m` : symbol} ${body}`;
  });
}

/** The line for a pipe or log file: `web-1 running (healthy)`. */
export function plainLine(entry: ProgressEntry): string {
  return `${entry.name} ${entry.text}`;
}

function mod(n: number, m: number): number {
  return ((n % m) + m) % m;
}
