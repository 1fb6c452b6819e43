/**
 * `logs --follow` (and `up`'s attached output) for a whole stack, as `docker compose logs -f`
 * behaves: tasks that start later and tasks restarted in place keep showing up. The Control
 * API's Logs stream covers the tasks that had a workload when it was opened, and a task's log
 * ends when its process exits, so this polls the task list and opens another stream for each
 * new or restarted task; `LogOwnership` keeps every line printed once.
 */
import { isBerthError } from '@berth/api/domain';
import type { ControlClient, LogLine, LogsQuery, TaskView } from './control-api.js';
import { LogOwnership } from './log-ownership.js';
import { sleep } from './poll-tasks.js';
import { listStackTasks } from './stack-tasks.js';

/** How often the task list is checked for new and restarted tasks (ms). */
export const TASK_POLL_MS = 500;

/** What following needs of the client; any async iterable of lines will do for `logs`. */
export interface LogSource extends Pick<ControlClient, 'listTasks'> {
  logs(query: LogsQuery, signal?: AbortSignal): AsyncIterable<LogLine>;
}

/** What to follow and where lines go. */
export interface FollowOptions {
  stack: string;
  /** Only these services; empty or absent = all. */
  services?: string[];
  /** For the tasks already there: last n lines each. */
  tail?: number;
  /** Only output at or after this time (epoch ms). */
  since?: number;
  write: (line: LogLine) => void;
  /** A stream that failed (one task's log unreadable, say); following goes on. */
  warn: (message: string) => void;
  signal: AbortSignal;
  pollMs?: number;
}

/** Follows the stack's logs until `signal` aborts; rejects when the task list cannot be read. */
export async function followStackLogs(client: LogSource, options: FollowOptions): Promise<void> {
  const wanted = new Set(options.services ?? []);
  const relevant = (t: TaskView): boolean => hasWorkload(t) && (wanted.size === 0 || wanted.has(t.service));
  const ownership = new LogOwnership();
  const streams: Promise<void>[] = [];
  // Our own controller too: a failed poll must stop the streams before we reject.
  const stop = new AbortController();
  const onAbort = (): void => stop.abort();
  options.signal.addEventListener('abort', onAbort, { once: true });
  const since = options.since !== undefined ? { since: options.since } : {};
  const firstExact = options.tail === undefined && options.since === undefined;

  const open = (query: LogsQuery, accept: ReadonlySet<string> | 'any', exact: boolean): number => {
    const id = streams.length;
    const run = async (): Promise<void> => {
      for await (const line of client.logs(query, stop.signal)) if (ownership.take(line, id, accept, exact)) options.write(line);
    };
    streams.push(
      run().catch((e: unknown) => {
        if (!stop.signal.aborted) options.warn(e instanceof Error ? e.message : String(e));
      }),
    );
    return id;
  };

  try {
    for (const t of (await listStackTasks(client, options.stack)).filter(relevant)) ownership.observe(t, firstExact);
    const first = { stack: options.stack, follow: true, ...(wanted.size > 0 ? { services: [...wanted] } : {}), ...since };
    open({ ...first, ...(options.tail !== undefined ? { tail: options.tail } : {}) }, 'any', firstExact);
    while (!stop.signal.aborted) {
      await sleep(options.pollMs ?? TASK_POLL_MS, stop.signal);
      if (stop.signal.aborted) break;
      const fresh: TaskView[] = [];
      for (const t of (await listStackTasks(client, options.stack)).filter(relevant)) {
        const seen = ownership.observe(t, options.since === undefined);
        if (seen === 'new') fresh.push(t);
        if (seen !== 'restarted') continue;
        // The stream's id is the next one: reattach before opening so no line of it is missed.
        const how = ownership.reattach(t, streams.length);
        open({ stack: options.stack, follow: true, services: [t.service], ...since, ...(how.newOnly ? { tail: 0 } : {}) }, new Set([t.id]), true);
      }
      if (fresh.length === 0) continue;
      const services = [...new Set(fresh.map((t) => t.service))].sort();
      open({ stack: options.stack, follow: true, services, ...since }, new Set(fresh.map((t) => t.id)), options.since === undefined);
    }
  } catch (e) {
    if (!(stop.signal.aborted && isBerthError(e, 'UNAVAILABLE'))) throw e;
  } finally {
    stop.abort();
    options.signal.removeEventListener('abort', onAbort);
    await Promise.all(streams);
  }
}

// The Logs stream covers tasks whose workload exists on a node: running, or ended after running.
function hasWorkload(task: TaskView): boolean {
  return task.nodeId !== undefined && (task.state === 'running' || ((task.state === 'exited' || task.state === 'failed') && task.exitCode !== undefined));
}
