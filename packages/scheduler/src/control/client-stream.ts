/**
 * A server-streaming call as the CLI consumes it: an async iterable of domain values whose
 * errors are BerthErrors. The call starts at once (so `ready` can tell when the server has
 * answered) and is cancelled when the consumer stops iterating or `signal` aborts; a cancel
 * the consumer asked for ends the iteration quietly instead of throwing.
 */
import type { ClientReadableStream, Metadata, StatusObject } from '@grpc/grpc-js';
import { isBerthError } from '@berth/api';
import { fromStatusError } from './grpc-errors.js';

/** A streamed answer: iterate it; `ready` resolves once the server has accepted the call. */
export interface ControlStream<T> extends AsyncIterable<T> {
  /** Resolves when the server sent its headers (it is watching/serving), rejects like the stream. */
  readonly ready: Promise<void>;
  /** Cancels the call; iteration ends without an error. */
  cancel(): void;
}

/** Wraps `call`, converting each message with `convert` (undefined skips it). */
export function controlStream<W, T>(
  call: ClientReadableStream<W>,
  convert: (message: W) => T | undefined,
  target: string,
  signal?: AbortSignal,
): ControlStream<T> {
  let cancelledByUs = false;
  const cancel = (): void => {
    cancelledByUs = true;
    call.cancel();
  };
  if (signal?.aborted === true) cancel();
  else signal?.addEventListener('abort', cancel, { once: true });

  const ready = new Promise<void>((resolve, reject) => {
    call.once('metadata', (_metadata: Metadata) => resolve());
    call.once('status', (status: StatusObject) => (status.code === 0 || cancelledByUs ? resolve() : reject(fromStatusError(status, target))));
  });
  ready.catch(() => undefined); // the iteration reports the same failure; no unhandled rejection

  async function* iterate(): AsyncGenerator<T> {
    try {
      for await (const message of call as AsyncIterable<W>) {
        const value = convert(message);
        if (value !== undefined) yield value;
      }
    } catch (error) {
      if (cancelledByUs) return;
      throw isBerthError(error) ? error : fromStatusError(error as Parameters<typeof fromStatusError>[0], target);
    } finally {
      signal?.removeEventListener('abort', cancel);
      cancelledByUs = true; // a cancel after the consumer stopped is ours, not a failure
      call.cancel();
    }
  }

  return { ready, cancel, [Symbol.asyncIterator]: () => iterate() };
}
