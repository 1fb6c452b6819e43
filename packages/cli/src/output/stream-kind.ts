/** Whether an output stream is a terminal, how wide it is, and whether it takes colors. */
import type { Terminal } from './terminal.js';

interface MaybeTty {
  isTTY?: boolean;
  columns?: number;
}

/** True when `stream` is a terminal (progress is redrawn in place only there). */
export function isTerminal(stream: NodeJS.WritableStream): boolean {
  return (stream as MaybeTty).isTTY === true;
}

/** The terminal's width in columns; undefined for a pipe or a file. */
export function terminalColumns(stream: NodeJS.WritableStream): number | undefined {
  const columns = (stream as MaybeTty).columns;
  return isTerminal(stream) && columns !== undefined && columns > 0 ? columns : undefined;
}

/**
 * Colors for `stream`: the terminal allows them (NO_COLOR unset) and the stream is a terminal,
 * or FORCE_COLOR asks for them anyway. `term.color` alone looks at stderr only.
 */
export function colorsOn(term: Terminal, stream: NodeJS.WritableStream, env: NodeJS.ProcessEnv = process.env): boolean {
  const force = env['FORCE_COLOR'] !== undefined && env['FORCE_COLOR'] !== '0';
  return term.color && (force || isTerminal(stream));
}
