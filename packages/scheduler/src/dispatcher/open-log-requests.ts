/**
 * The log requests open on agent streams: which stream serves each one, and its queue. Chunks
 * and failures count only from the stream the request went down, so one agent cannot answer
 * (or end) a request sent to another.
 */
import { BerthError, type ErrorCode, type LogChunk, type LogFailure } from '@berth/api';
import { LogChunkQueue } from './log-chunk-queue.js';

// A Record so the compiler rejects a code missing here.
const ERROR_CODES: Readonly<Record<ErrorCode, true>> = {
  STACK_INVALID: true,
  FILE_UNREADABLE: true,
  USAGE: true,
  NO_SUITABLE_NODE: true,
  RUNTIME_UNAVAILABLE: true,
  UNAUTHENTICATED: true,
  PERMISSION_DENIED: true,
  NOT_FOUND: true,
  CONFLICT: true,
  UNAVAILABLE: true,
  INTERNAL: true,
};

/** The BerthError code for an agent's LogFailure code; one this build does not know is UNAVAILABLE. */
export function logFailureCode(code: string): ErrorCode {
  return Object.hasOwn(ERROR_CODES, code) ? (code as ErrorCode) : 'UNAVAILABLE';
}

interface OpenRequest<S> {
  stream: S;
  queue: LogChunkQueue;
}

/** Open log requests keyed by request id, each tied to the stream `S` serving it. */
export class OpenLogRequests<S> {
  readonly #open = new Map<string, OpenRequest<S>>();

  /** How many requests are open. */
  get size(): number {
    return this.#open.size;
  }

  /** Registers a request about to go down `stream`; returns the queue its answer fills. */
  open(requestId: string, stream: S): LogChunkQueue {
    const queue = new LogChunkQueue();
    this.#open.set(requestId, { stream, queue });
    return queue;
  }

  /** Forgets a request (its reader is done); later chunks for it are dropped. */
  close(requestId: string): void {
    this.#open.delete(requestId);
  }

  /** Hands a chunk that arrived on `stream` to its request's reader. */
  chunk(stream: S, chunk: LogChunk): void {
    const request = this.#served(stream, chunk.requestId);
    if (request === undefined) return;
    request.queue.push(chunk);
    if (chunk.eof) this.#open.delete(chunk.requestId);
  }

  /** Ends a request with the agent's failure, as a BerthError of the agent's code. */
  failure(stream: S, failure: LogFailure): void {
    const request = this.#served(stream, failure.requestId);
    if (request === undefined) return;
    this.#open.delete(failure.requestId);
    request.queue.fail(
      new BerthError(logFailureCode(failure.code), failure.message || `the agent cannot serve logs of task ${failure.taskId}`, {
        context: { taskId: failure.taskId, agentCode: failure.code },
      }),
    );
  }

  /** Ends every request served by `stream` with UNAVAILABLE: their answers went with it. */
  streamGone(stream: S, why: string): void {
    for (const [requestId, request] of this.#open) {
      if (request.stream !== stream) continue;
      this.#open.delete(requestId);
      request.queue.fail(new BerthError('UNAVAILABLE', why, { context: { requestId } }));
    }
  }

  #served(stream: S, requestId: string): OpenRequest<S> | undefined {
    const request = this.#open.get(requestId);
    return request?.stream === stream ? request : undefined;
  }
}
