/**
 * One stack's logs as one stream: a log request per task (through the injected `requestLogs`,
 * which the dispatcher provides), each split into lines and handed to one writer as they
 * arrive. Lines of one task keep their order; tasks interleave. It ends when every task's log
 * has ended, or at once when `signal` aborts (every request is aborted with it). A task whose
 * log fails does not stop the others: its failure is returned at the end.
 */
import type { LogChunk } from '@berth/api';
import { LogLineSplitter } from './log-line-splitter.js';
import type { LogLine } from './views.js';

/** What the Control API asks of one task's log. */
export interface LogRequestOptions {
  /** Last n lines only; absent = the whole log. */
  tail?: number;
  /** Keep streaming new output until aborted. */
  follow: boolean;
  /** Only output written at or after this time (epoch ms). */
  since?: number;
}

/** Streams one task's output; ends with the log (or the chunk marked `eof`), or when `signal` aborts. */
export type RequestLogs = (taskId: string, options: LogRequestOptions, signal: AbortSignal) => AsyncIterable<LogChunk>;

/** The task identity a log line carries. */
export interface LogTask {
  id: string;
  service: string;
  slot: number;
}

/** A task whose log could not be read. */
export interface TaskLogFailure {
  taskId: string;
  error: unknown;
}

/** Everything {@link fanInLogs} needs besides the tasks. */
export interface FanInOptions {
  requestLogs: RequestLogs;
  request: LogRequestOptions;
  /** Takes one line; a returned promise holds back that task's next line (backpressure). */
  write: (line: LogLine) => void | Promise<void>;
  signal: AbortSignal;
  /** Time for chunks the runtime did not date (epoch ms). */
  now: () => number;
}

const ABORTED = Symbol('aborted');

/** Resolves with ABORTED when `signal` aborts; `dispose` removes the listener. */
function abortion(signal: AbortSignal): { promise: Promise<typeof ABORTED>; dispose: () => void } {
  let dispose = (): void => {};
  const promise = new Promise<typeof ABORTED>((resolve) => {
    if (signal.aborted) return resolve(ABORTED);
    const onAbort = (): void => resolve(ABORTED);
    signal.addEventListener('abort', onAbort, { once: true });
    dispose = () => signal.removeEventListener('abort', onAbort);
  });
  return { promise, dispose };
}

async function pumpTask(task: LogTask, options: FanInOptions): Promise<void> {
  const { signal } = options;
  const splitter = new LogLineSplitter();
  const emit = async (lines: ReturnType<LogLineSplitter['flush']>): Promise<void> => {
    for (const line of lines) {
      if (signal.aborted) return;
      await options.write({ service: task.service, taskId: task.id, slot: task.slot, ...line });
    }
  };
  const iterator = options.requestLogs(task.id, options.request, signal)[Symbol.asyncIterator]();
  // A source that ignores the signal must not hold the call open: each wait races the abort.
  const aborted = abortion(signal);
  try {
    for (;;) {
      const next = await Promise.race([iterator.next(), aborted.promise]);
      if (next === ABORTED || next.done === true) break;
      const chunk = next.value;
      await emit(splitter.push(chunk.stream, chunk.data, chunk.time ?? options.now()));
      if (chunk.eof || signal.aborted) break;
    }
    if (!signal.aborted) await emit(splitter.flush());
  } finally {
    aborted.dispose();
    void iterator.return?.().catch(() => undefined);
  }
}

/** Streams the logs of `tasks` into `options.write`; resolves with the tasks whose log failed. */
export async function fanInLogs(tasks: readonly LogTask[], options: FanInOptions): Promise<TaskLogFailure[]> {
  const failures: TaskLogFailure[] = [];
  await Promise.all(
    tasks.map(async (task) => {
      try {
        await pumpTask(task, options);
      } catch (error) {
        if (!options.signal.aborted) failures.push({ taskId: task.id, error });
      }
    }),
  );
  return failures;
}
