/**
 * Splitting raw log bytes into lines. Works on Buffers and splits on '\n' bytes before decoding,
 * so a multi-byte character is never cut in half by a read boundary.
 */

/** Complete lines (each keeping its '\n') and the unterminated rest, if any. */
export interface SplitLines {
  lines: Buffer[];
  rest: Buffer;
}

/** Splits `data` into complete lines and the bytes after the last '\n'. */
export function splitLines(data: Buffer): SplitLines {
  const lines: Buffer[] = [];
  let start = 0;
  for (let nl = data.indexOf(0x0a); nl !== -1; nl = data.indexOf(0x0a, start)) {
    lines.push(data.subarray(start, nl + 1));
    start = nl + 1;
  }
  return { lines, rest: data.subarray(start) };
}

/** All lines of a finished chunk of log, an unterminated last line included, last `tail` only. */
export function tailLines(data: Buffer, tail?: number): Buffer[] {
  const { lines, rest } = splitLines(data);
  if (rest.length > 0) lines.push(rest);
  if (tail === undefined) return lines;
  return tail <= 0 ? [] : lines.slice(-tail);
}
