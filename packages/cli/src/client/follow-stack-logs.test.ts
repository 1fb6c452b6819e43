import { describe, expect, it } from 'vitest';
import type { LogLine, LogsQuery, TaskView } from './control-api.js';
import { followStackLogs } from './follow-stack-logs.js';
import { taskView } from './task-view.fixture.js';

const line = (service: string, slot: number, text: string): LogLine => ({
  service,
  slot,
  taskId: `${service}-${slot}-id`,
  stream: 'stdout',
  text,
  time: 0,
});

/** Yields `lines`, then stays open until aborted, as a followed stream does. */
async function* followed(lines: LogLine[], signal: AbortSignal | undefined): AsyncGenerator<LogLine> {
  yield* lines;
  await new Promise<void>((resolve) => {
    if (signal?.aborted === true) resolve();
    signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}

describe('followStackLogs', () => {
  it('opens another stream for tasks that appear later and prints each line once', async () => {
    let polls = 0;
    const queries: LogsQuery[] = [];
    const abort = new AbortController();
    const written: string[] = [];
    const client = {
      listTasks: (): Promise<TaskView[]> => {
        polls++;
        const tasks = [taskView('web', 1), taskView('db', 1, { state: 'pending', nodeId: undefined })];
        // From the second poll on, worker-1 runs too.
        if (polls >= 2) tasks.push(taskView('worker', 1));
        return Promise.resolve(tasks);
      },
      logs: (query: LogsQuery, signal?: AbortSignal): AsyncIterable<LogLine> => {
        queries.push(query);
        if (queries.length === 1) return followed([line('web', 1, 'web says hi')], signal);
        // The second stream (services: worker) replays worker-1 and would replay an old worker task.
        return followed([line('worker', 2, 'old worker line'), line('worker', 1, 'worker started'), line('web', 1, 'web says hi')], signal);
      },
    };
    const done = followStackLogs(client, {
      stack: 'demo',
      tail: 5,
      write: (l) => {
        written.push(`${l.service}-${l.slot}: ${l.text}`);
        if (written.length === 2) abort.abort();
      },
      warn: (m) => written.push(`warn: ${m}`),
      signal: abort.signal,
      pollMs: 1,
    });
    await done;
    expect(written).toEqual(['web-1: web says hi', 'worker-1: worker started']);
    expect(queries).toEqual([
      { stack: 'demo', follow: true, tail: 5 },
      { stack: 'demo', follow: true, services: ['worker'] },
    ]);
  });

  it('re-opens the log of a task restarted in place and prints only its new lines', async () => {
    let polls = 0;
    const queries: LogsQuery[] = [];
    const abort = new AbortController();
    const written: string[] = [];
    const client = {
      listTasks: (): Promise<TaskView[]> => Promise.resolve([taskView('web', 1, { restarts: ++polls >= 2 ? 1 : 0 })]),
      logs: (query: LogsQuery, signal?: AbortSignal): AsyncIterable<LogLine> => {
        queries.push(query);
        // The first stream ends with the first run; the second replays both runs.
        if (queries.length === 1) return (async function* () { yield line('web', 1, 'run 1'); })();
        return followed([line('web', 1, 'run 1'), line('web', 1, 'run 2')], signal);
      },
    };
    await followStackLogs(client, {
      stack: 'demo',
      write: (l) => {
        written.push(l.text);
        if (l.text === 'run 2') abort.abort();
      },
      warn: (m) => written.push(`warn: ${m}`),
      signal: abort.signal,
      pollMs: 1,
    });
    expect(written).toEqual(['run 1', 'run 2']);
    expect(queries[1]).toEqual({ stack: 'demo', follow: true, services: ['web'] });
  });

  it('warns about a failed stream and keeps following', async () => {
    const abort = new AbortController();
    const warnings: string[] = [];
    const client = {
      listTasks: (): Promise<TaskView[]> => Promise.resolve([taskView('web', 1)]),
      logs: async function* (): AsyncGenerator<LogLine> {
        throw new Error('the log of 1 task could not be read');
      },
    };
    await followStackLogs(client, {
      stack: 'demo',
      services: ['web'],
      write: () => undefined,
      warn: (m) => {
        warnings.push(m);
        abort.abort();
      },
      signal: abort.signal,
      pollMs: 1,
    });
    expect(warnings).toEqual(['the log of 1 task could not be read']);
  });

  it('rejects when the task list cannot be read', async () => {
    const client = {
      listTasks: (): Promise<TaskView[]> => Promise.reject(new Error('daemon gone')),
      logs: (_q: LogsQuery, signal?: AbortSignal): AsyncIterable<LogLine> => followed([], signal),
    };
    await expect(followStackLogs(client, { stack: 'demo', write: () => undefined, warn: () => undefined, signal: new AbortController().signal })).rejects.toThrow('daemon gone');
  });
});
