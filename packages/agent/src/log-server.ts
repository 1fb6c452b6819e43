/**
 * Serves the scheduler's log requests from the node's task runners: reads the workload's
 * output through its driver and streams it back over the link, until eof or a cancel.
 */
import { isBerthError, type DriverName, type LogChunk, type LogFailure, type LogRequest } from '@berth/api';
import type { RuntimeDriver, WorkloadHandle } from './runtime/runtime.js';

/** Where log requests find a task's workload, and where answers go. */
export interface LogServerDeps {
  handleOf: (taskId: string) => WorkloadHandle | undefined;
  drivers: Partial<Record<DriverName, RuntimeDriver>>;
  sendChunk: (chunk: LogChunk) => boolean;
  sendFailure: (failure: LogFailure) => boolean;
}

/** Answers log requests; one AbortController per open request. */
export class LogServer {
  readonly #open = new Map<string, AbortController>();

  constructor(private readonly deps: LogServerDeps) {}

  /** Starts answering `request`; never throws (failures are sent as LogFailure). */
  serve(request: LogRequest): void {
    const handle = this.deps.handleOf(request.taskId);
    const driver = handle ? this.deps.drivers[handle.driver] : undefined;
    if (!handle || !driver) {
      this.deps.sendFailure({ ...ids(request), code: 'NOT_FOUND', message: `task ${request.taskId} has no workload on this node` });
      return;
    }
    const abort = new AbortController();
    this.#open.set(request.requestId, abort);
    void this.#pump(request, driver, handle, abort.signal).finally(() => this.#open.delete(request.requestId));
  }

  /** Stops following `requestId` (the reader went away). */
  cancel(requestId: string): void {
    this.#open.get(requestId)?.abort();
  }

  /** Cancels every open request. */
  close(): void {
    for (const abort of this.#open.values()) abort.abort();
  }

  async #pump(request: LogRequest, driver: RuntimeDriver, handle: WorkloadHandle, signal: AbortSignal): Promise<void> {
    const encoder = new TextEncoder();
    try {
      const entries = driver.logs(handle, {
        follow: request.follow,
        signal,
        ...(request.tail !== undefined ? { tail: request.tail } : {}),
        ...(request.since !== undefined ? { since: request.since } : {}),
      });
      for await (const entry of entries) {
        if (signal.aborted) break;
        this.deps.sendChunk({
          ...ids(request),
          stream: entry.stream,
          data: encoder.encode(entry.text.endsWith('\n') ? entry.text : entry.text + '\n'),
          ...(entry.time !== undefined ? { time: entry.time } : {}),
          eof: false,
        });
      }
      this.deps.sendChunk({ ...ids(request), stream: 'stdout', data: new Uint8Array(), eof: true });
    } catch (e) {
      if (signal.aborted) {
        this.deps.sendChunk({ ...ids(request), stream: 'stdout', data: new Uint8Array(), eof: true });
        return;
      }
      this.deps.sendFailure({
        ...ids(request),
        code: isBerthError(e) ? e.code : 'INTERNAL',
        message: e instanceof Error ? e.message : String(e),
      });
    }
  }
}

function ids(request: LogRequest): { requestId: string; taskId: string } {
  return { requestId: request.requestId, taskId: request.taskId };
}
