/**
 * Plumbing shared by the Control API's server-streaming calls: an abort signal for the call
 * (client cancel, deadline, or the API closing), writes that wait for the client to keep up,
 * and ending a stream with a BerthError status.
 */
import type { ServerUnaryCall, ServerWritableStream } from '@grpc/grpc-js';
import { toStatusError } from './grpc-errors.js';

/** What every server call has: a deadline and the `cancelled` event (grpc-js does not export the type). */
export type ServerCall = Pick<ServerUnaryCall<unknown, unknown>, 'getDeadline' | 'on' | 'off'>;

/** Ends a streaming call with the status for `error` (a BerthError keeps its code). */
export function failStream(call: ServerWritableStream<unknown, unknown>, error: unknown): void {
  if (call.writableEnded || call.destroyed) return;
  // grpc-js turns an 'error' on a server stream into the call's final status.
  call.emit('error', toStatusError(error));
}

/**
 * Writes `message`; when the client is behind (grpc-js buffered past its high-water mark),
 * resolves only once it drained, the stream closed, or `signal` aborted.
 */
export function writeWithBackpressure<T>(call: ServerWritableStream<unknown, T>, message: T, signal: AbortSignal): Promise<void> {
  if (call.write(message) || signal.aborted) return Promise.resolve();
  return new Promise<void>((resolve) => {
    const done = (): void => {
      call.off('drain', done);
      call.off('close', done);
      signal.removeEventListener('abort', done);
      resolve();
    };
    call.on('drain', done);
    call.on('close', done);
    signal.addEventListener('abort', done, { once: true });
  });
}

/** Milliseconds left before the call's deadline (Infinity without one). */
export function msUntilDeadline(call: ServerCall, nowMs = Date.now()): number {
  const deadline = call.getDeadline();
  const at = deadline instanceof Date ? deadline.getTime() : deadline;
  return Number.isFinite(at) ? Math.max(0, at - nowMs) : Infinity;
}

/** The open streaming calls, so closing the API can end them all. */
export class OpenStreams {
  readonly #closers = new Set<() => void>();
  #closed = false;

  /** Whether {@link closeAll} ran; new streams are refused after it. */
  get closed(): boolean {
    return this.#closed;
  }

  /**
   * An AbortController aborted when `call` is cancelled (client cancel, deadline) or the API
   * closes (`onClose` runs first, to end the stream its own way). `release` forgets the call.
   */
  track(call: ServerCall, onClose: () => void): { controller: AbortController; release: () => void } {
    const controller = new AbortController();
    const onCancel = (): void => controller.abort();
    const closer = (): void => {
      onClose();
      controller.abort();
    };
    call.on('cancelled', onCancel);
    this.#closers.add(closer);
    const release = (): void => {
      call.off('cancelled', onCancel);
      this.#closers.delete(closer);
    };
    return { controller, release };
  }

  /** Runs every open stream's close handler. */
  closeAll(): void {
    this.#closed = true;
    for (const closer of [...this.#closers]) closer();
    this.#closers.clear();
  }
}
