/**
 * The chunks of one log request between the agent's stream (which pushes them as they arrive)
 * and the reader (an async iteration that may lag behind). The request ends with the eof
 * chunk, with a failure, or when the reader aborts.
 */
import type { BerthError, LogChunk } from '@berth/api';

/** Chunks waiting for a reader, and how the request ended; see the module comment. */
export class LogChunkQueue {
  readonly #chunks: LogChunk[] = [];
  #outcome: { error?: BerthError } | undefined;
  #wake: (() => void) | undefined;

  /** True once the eof chunk or a failure arrived: the agent has nothing more to send. */
  get ended(): boolean {
    return this.#outcome !== undefined;
  }

  /** Adds a chunk from the agent; ignored after the end (an agent racing a cancel). */
  push(chunk: LogChunk): void {
    if (this.#outcome !== undefined) return;
    this.#chunks.push(chunk);
    if (chunk.eof) this.#outcome = {};
    this.#notify();
  }

  /** Ends the request with `error` once the chunks already queued are read; ignored after the end. */
  fail(error: BerthError): void {
    if (this.#outcome !== undefined) return;
    this.#outcome = { error };
    this.#notify();
  }

  /**
   * Yields the chunks in arrival order, the eof chunk included, then returns; throws the
   * failure instead when there was one. Aborting `signal` returns at once, dropping whatever
   * is still queued: the reader has said it wants no more.
   */
  async *read(signal?: AbortSignal): AsyncGenerator<LogChunk, void, undefined> {
    const onAbort = (): void => this.#notify();
    signal?.addEventListener('abort', onAbort);
    try {
      for (;;) {
        if (signal?.aborted) return;
        const chunk = this.#chunks.shift();
        if (chunk !== undefined) {
          yield chunk;
          continue;
        }
        if (this.#outcome !== undefined) {
          if (this.#outcome.error !== undefined) throw this.#outcome.error;
          return;
        }
        await new Promise<void>((resolve) => {
          this.#wake = resolve;
        });
      }
    } finally {
      signal?.removeEventListener('abort', onAbort);
    }
  }

  #notify(): void {
    const wake = this.#wake;
    this.#wake = undefined;
    wake?.();
  }
}
