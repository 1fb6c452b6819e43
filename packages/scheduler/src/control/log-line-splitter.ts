/**
 * Turns one task's raw output chunks into lines, per stream. A chunk may end mid-line or even
 * mid-character, so each stream keeps its own streaming UTF-8 decoder (invalid bytes become
 * U+FFFD) and its unfinished line. A line longer than `maxLineChars` is cut there, so a task
 * that never writes a newline cannot make the scheduler buffer without end.
 */
import { TextDecoder } from 'node:util';
import type { LogStream } from '@berth/api';

/** One finished line of a stream. */
export interface SplitLine {
  stream: LogStream;
  text: string;
  /** The time of the chunk that carried the line's first byte. */
  time: number;
}

interface Partial {
  decoder: TextDecoder;
  text: string;
  time: number;
}

/** Default cut for lines without a newline (characters). */
export const MAX_LINE_CHARS = 64 * 1024;

/** Splits one task's output chunks into lines; see the module comment. */
export class LogLineSplitter {
  readonly #streams = new Map<LogStream, Partial>();
  readonly #maxLineChars: number;

  constructor(maxLineChars = MAX_LINE_CHARS) {
    this.#maxLineChars = maxLineChars;
  }

  /** The lines `data` finishes on `stream`; `time` is when the chunk was written. */
  push(stream: LogStream, data: Uint8Array, time: number): SplitLine[] {
    let partial = this.#streams.get(stream);
    if (partial === undefined) {
      partial = { decoder: new TextDecoder('utf-8'), text: '', time };
      this.#streams.set(stream, partial);
    }
    if (partial.text === '') partial.time = time;
    partial.text += partial.decoder.decode(data, { stream: true });
    const lines: SplitLine[] = [];
    let start = 0;
    for (let nl = partial.text.indexOf('\n'); nl !== -1; nl = partial.text.indexOf('\n', start)) {
      lines.push(this.#line(stream, partial.text.slice(start, nl), partial.time));
      start = nl + 1;
      partial.time = time; // the next line starts in this chunk
    }
    partial.text = partial.text.slice(start);
    while (partial.text.length >= this.#maxLineChars) {
      lines.push({ stream, text: partial.text.slice(0, this.#maxLineChars), time: partial.time });
      partial.text = partial.text.slice(this.#maxLineChars);
    }
    return lines;
  }

  /** The unfinished line of every stream (the log ended without a final newline). */
  flush(): SplitLine[] {
    const lines: SplitLine[] = [];
    for (const [stream, partial] of this.#streams) {
      const text = partial.text + partial.decoder.decode();
      if (text !== '') lines.push(this.#line(stream, text, partial.time));
      partial.text = '';
    }
    return lines;
  }

  #line(stream: LogStream, text: string, time: number): SplitLine {
    // Output written for a terminal ends lines with CRLF; the CR is not part of the text.
    return { stream, text: text.endsWith('\r') ? text.slice(0, -1) : text, time };
  }
}
