/** Prints loader diagnostics: warnings first, then errors, one per line, on stderr. */
import { formatDiagnostic, type Diagnostic } from '@berth/stack';
import { paint, type Terminal } from './terminal.js';

/** Writes every warning and error; returns the number of errors. */
export function printDiagnostics(term: Terminal, warnings: Diagnostic[], errors: Diagnostic[]): number {
  for (const w of warnings) term.err.write(paint(term, 33, formatDiagnostic(w)) + '\n');
  for (const e of errors) term.err.write(paint(term, 31, 'error: ') + formatDiagnostic(e) + '\n');
  if (errors.length > 0) {
    term.err.write(`${errors.length} error${errors.length === 1 ? '' : 's'} in the stack file${errors.length === 1 ? '' : 's'}\n`);
  }
  return errors.length;
}
