/**
 * Bookkeeping for following a stack's logs over several streams: which stream a task's lines
 * are taken from, how many lines of each of its output streams were printed, and how many a
 * re-opened stream must skip. Pure (no I/O), so the rules are tested on their own.
 *
 * Why re-open at all: a task's followed log ends when its process exits, and a restart in place
 * keeps the task id, so nothing new would arrive for it. A stream opened after the restart
 * replays the task's whole log (all its runs), so it skips the lines already printed, counted
 * per output stream. That count is exact only when printing began at the start of the log (no
 * `tail`/`since`); otherwise the re-opened stream asks for new output only (`tail: 0`).
 */
import type { LogLine, TaskView } from './control-api.js';

interface TaskLog {
  /** The stream whose lines are printed; undefined until one delivers a line or claims it. */
  owner: number | undefined;
  /** Restart count when the task was last (re)attached; undefined until a poll saw it. */
  restarts: number | undefined;
  printed: { stdout: number; stderr: number };
  skip: { stdout: number; stderr: number };
  /** Printing began at the start of the task's log. */
  exact: boolean;
}

/** How to re-open a restarted task's log. */
export interface Reattach {
  task: TaskView;
  /** Ask for new output only, because the printed counts cannot be matched to the replay. */
  newOnly: boolean;
}

/** Tracks every task's log across the streams of one follow. */
export class LogOwnership {
  readonly #tasks = new Map<string, TaskLog>();

  /**
   * Notes a polled task; returns `new` for a task not seen before, `restarted` when it restarted
   * since it was attached (and runs again), else undefined. `exact` says whether a stream opened
   * for a new task prints its log from the start.
   */
  observe(task: TaskView, exact: boolean): 'new' | 'restarted' | undefined {
    const known = this.#tasks.get(task.id);
    if (known === undefined) {
      this.#tasks.set(task.id, { owner: undefined, restarts: task.restarts, printed: { stdout: 0, stderr: 0 }, skip: { stdout: 0, stderr: 0 }, exact });
      return 'new';
    }
    if (known.restarts === undefined) {
      known.restarts = task.restarts;
      return undefined;
    }
    if (task.restarts <= known.restarts || task.state !== 'running') return undefined;
    known.restarts = task.restarts;
    return 'restarted';
  }

  /** Hands a restarted task to stream `stream`, which replays its log; returns how to open it. */
  reattach(task: TaskView, stream: number): Reattach {
    const log = this.#tasks.get(task.id);
    if (log === undefined) return { task, newOnly: false };
    log.owner = stream;
    log.skip = log.exact ? { ...log.printed } : { stdout: 0, stderr: 0 };
    return { task, newOnly: !log.exact };
  }

  /**
   * Whether `line`, delivered by stream `stream`, is to be printed. A stream takes tasks it was
   * opened for (`accept`), or any task no stream has yet (`any`: the first stream, whose tasks
   * a poll may not have seen); `exact` applies to tasks it takes that way.
   */
  take(line: LogLine, stream: number, accept: ReadonlySet<string> | 'any', exact: boolean): boolean {
    let log = this.#tasks.get(line.taskId);
    if (log === undefined) {
      if (accept !== 'any') return false;
      log = { owner: undefined, restarts: undefined, printed: { stdout: 0, stderr: 0 }, skip: { stdout: 0, stderr: 0 }, exact };
      this.#tasks.set(line.taskId, log);
    }
    if (log.owner === undefined && (accept === 'any' || accept.has(line.taskId))) log.owner = stream;
    if (log.owner !== stream) return false;
    if (log.skip[line.stream] > 0) {
      log.skip[line.stream]--;
      return false;
    }
    log.printed[line.stream]++;
    return true;
  }
}
