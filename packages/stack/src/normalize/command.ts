/** `command` / `entrypoint`: a list passes through, a string is split into argv like a shell would. */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { listOf } from './raw-values.js';
import { splitShellWords } from './shell-words.js';

/**
 * Normalizes a command value. Undefined when absent or null (the image default applies); an
 * empty list or string gives `[]`, which overrides the image default with nothing.
 */
export function normalizeCommand(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): string[] | undefined {
  if (typeof raw === 'string') {
    const r = splitShellWords(raw);
    if (!r.ok) {
      diag.error(path, r.error);
      return undefined;
    }
    const [op] = r.value.operators;
    if (op !== undefined) {
      diag.warn(
        path,
        `the shell operator ${JSON.stringify(op)} is passed to the program as a plain argument; ` +
          'to run this in a shell, write it as ["sh", "-c", "..."]',
      );
    }
    return r.value.words;
  }
  const list = listOf(raw);
  if (!list) return undefined;
  return list.flatMap((item) => (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean' ? [String(item)] : []));
}
