/**
 * Unix permission bits (`mode:` of secrets, configs and tmpfs). A YAML number is taken as is (the
 * YAML reader already turns `0440` into octal like Compose's Go YAML does); a string is octal.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { failed, parsed, type ParseResult } from './parse-result.js';

const MAX_MODE = 0o7777;

/** Parses an octal mode string like `"0440"` or `"1777"`. */
export function parseFileMode(text: string): ParseResult<number> {
  const s = text.trim().replace(/^0o/i, '');
  if (!/^[0-7]{1,5}$/.test(s) || parseInt(s, 8) > MAX_MODE) {
    return failed(`invalid file mode ${JSON.stringify(text)}: expected octal permission bits, e.g. "0440"`);
  }
  return parsed(parseInt(s, 8));
}

/** Reads a file mode at `path`; reports invalid ones. */
export function readFileMode(v: RawValue | undefined, path: ModelPath, diag: Diagnostics): number | undefined {
  if (typeof v === 'number') {
    if (Number.isInteger(v) && v >= 0 && v <= MAX_MODE) return v;
    diag.error(path, `invalid file mode ${v}: expected permission bits between 0 and 0o7777`);
    return undefined;
  }
  if (typeof v !== 'string') return undefined;
  const r = parseFileMode(v);
  if (r.ok) return r.value;
  diag.error(path, r.error);
  return undefined;
}
