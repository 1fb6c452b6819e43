/**
 * Shows `up`'s progress entries: on a terminal a live block redrawn in place with a spinner
 * turning between updates; elsewhere one plain line per entry, printed when it changes.
 */
import { ChangePrinter } from './change-printer.js';
import { LiveBlock } from './live-block.js';
import { plainLine, terminalLines, type ProgressEntry } from './progress-lines.js';
import { isTerminal, terminalColumns } from './stream-kind.js';

const SPIN_MS = 100;

/** The progress of a stack's tasks on one output stream. */
export class ProgressDisplay {
  readonly #out: NodeJS.WritableStream;
  readonly #color: boolean;
  readonly #block: LiveBlock | undefined;
  readonly #printer: ChangePrinter | undefined;
  #entries: readonly ProgressEntry[] = [];
  #frame = 0;
  #timer: NodeJS.Timeout | undefined;

  /** A display on `out`; redrawn in place only when `out` is a terminal. */
  constructor(out: NodeJS.WritableStream, color: boolean) {
    this.#out = out;
    this.#color = color;
    if (isTerminal(out)) {
      this.#block = new LiveBlock(out);
      this.#timer = setInterval(() => {
        this.#frame++;
        this.#draw();
      }, SPIN_MS);
      // The spinner must never keep the process alive on its own.
      this.#timer.unref();
    } else {
      this.#printer = new ChangePrinter(out);
    }
  }

  /** Shows `entries` in place of the previous ones. */
  show(entries: readonly ProgressEntry[]): void {
    this.#entries = entries;
    if (this.#printer !== undefined) this.#printer.print(entries.map((e) => ({ key: e.key, line: plainLine(e) })));
    else this.#draw();
  }

  /** Stops the spinner and leaves the last lines on screen; later output goes below them. */
  finish(): void {
    if (this.#timer !== undefined) clearInterval(this.#timer);
    this.#timer = undefined;
    this.#draw();
    this.#block?.release();
  }

  #draw(): void {
    const width = terminalColumns(this.#out);
    this.#block?.draw(terminalLines(this.#entries, { frame: this.#frame, color: this.#color, ...(width !== undefined ? { width } : {}) }));
  }
}
