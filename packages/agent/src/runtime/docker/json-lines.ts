/**
 * Newline-delimited JSON, as the engine streams pull/build progress and events. Chunks split
 * lines anywhere; a line that is not JSON is skipped rather than thrown from a stream handler,
 * where it would crash the agent.
 */

/** Incremental splitter: feed text chunks, get each complete non-blank line. */
export class LineSplitter {
  private partial = '';

  /** Adds a chunk; returns the lines it completes, without their newline. */
  push(chunk: string): string[] {
    this.partial += chunk;
    const lines = this.partial.split('\n');
    this.partial = lines.pop() ?? '';
    return lines.filter((line) => line.trim() !== '');
  }

  /** A last line that had no newline, if any. */
  end(): string[] {
    const rest = this.partial;
    this.partial = '';
    return rest.trim() === '' ? [] : [rest];
  }
}

/** Yields each line of a byte or text stream, in order, until it ends. */
export async function* readLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<string> {
  const splitter = new LineSplitter();
  const decoder = new TextDecoder();
  for await (const chunk of stream) {
    // A multi-byte character split across chunks is held back by the decoder, not mangled.
    const text = typeof chunk === 'string' ? chunk : decoder.decode(chunk, { stream: true });
    yield* splitter.push(text);
  }
  yield* splitter.push(decoder.decode());
  yield* splitter.end();
}

/** Yields each JSON value of a stream, in order, until it ends. */
export async function* readJsonLines(stream: AsyncIterable<Buffer | string>): AsyncGenerator<unknown> {
  for await (const line of readLines(stream)) yield* parseJsonLine(line);
}

/** A line's JSON value as a one-element list, or none when the line is not JSON. */
export function parseJsonLine(line: string): unknown[] {
  const text = line.trim();
  if (text === '') return [];
  try {
    return [JSON.parse(text) as unknown];
  } catch {
    return [];
  }
}
