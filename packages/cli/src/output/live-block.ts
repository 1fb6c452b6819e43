/**
 * A block of lines redrawn in place at the bottom of a terminal: each redraw moves the cursor
 * back to the block's first line, rewrites every line (clearing what was there) and erases
 * anything left below, so a shorter block leaves no stale lines. Callers cut lines to the
 * terminal width first: a wrapped line would throw the line count off.
 */

const ESC = '\u001b[';

/** The bytes that replace a block of `previousCount` lines (the cursor below it) with `lines`. */
export function redrawSequence(previousCount: number, lines: readonly string[]): string {
  // `ESC n F` = cursor to the start of the line n lines up; `ESC 2K` clears the line;
  // `ESC J` clears from the cursor to the end of the screen.
  const up = previousCount > 0 ? `${ESC}${previousCount}F` : '';
  return up + lines.map((l) => `${ESC}2K${l}\n`).join('') + (previousCount > lines.length ? `${ESC}J` : '');
}

/** Draws a block of lines on a terminal stream, redrawing it in place on every `draw`. */
export class LiveBlock {
  #count = 0;
  #last = '';

  /** A block drawn on `out`, which must be a terminal. */
  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Replaces the block with `lines`; writes nothing when they did not change. */
  draw(lines: readonly string[]): void {
    const text = lines.join('\n');
    if (text === this.#last && lines.length === this.#count) return;
    this.out.write(redrawSequence(this.#count, lines));
    this.#count = lines.length;
    this.#last = text;
  }

  /** Leaves the block on screen as it is; output written after it starts below. */
  release(): void {
    this.#count = 0;
    this.#last = '';
  }
}
