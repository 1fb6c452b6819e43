/**
 * Progress for a pipe or a log file, where redrawing is impossible: one line per entry, printed
 * when it first appears and each time its text changes, never repeated.
 */

/** Prints `line` of each keyed entry only when it differs from the last printed for that key. */
export class ChangePrinter {
  readonly #printed = new Map<string, string>();

  /** A printer writing to `out`. */
  constructor(private readonly out: NodeJS.WritableStream) {}

  /** Prints the entries whose line changed since the last call, in the given order. */
  print(entries: readonly { key: string; line: string }[]): void {
    for (const { key, line } of entries) {
      if (this.#printed.get(key) === line) continue;
      this.#printed.set(key, line);
      this.out.write(line + '\n');
    }
  }
}
