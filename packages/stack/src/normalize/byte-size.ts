/**
 * Byte sizes as Compose reads them (docker's RAMInBytes): `1024`, `100k`, `512m`, `1g`, `1.5gb`,
 * `2GiB`. Units are binary (k = 1024) whatever the spelling; the result is rounded down to bytes.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { failed, parsed, type ParseResult } from './parse-result.js';

const POWER: Readonly<Record<string, number>> = { '': 0, k: 1, m: 2, g: 3, t: 4, p: 5 };
const SIZE = /^(\d+(?:\.\d+)?) ?(?:([kmgtp])i?)?b?$/i;

/** Parses a size string to bytes. */
export function parseByteSize(text: string): ParseResult<number> {
  const m = SIZE.exec(text.trim());
  if (!m) {
    return failed(`invalid size ${JSON.stringify(text)}: expected bytes or a number with a unit (b, k, m, g, t), e.g. "512m"`);
  }
  const bytes = Math.floor(Number(m[1]) * 1024 ** (POWER[(m[2] ?? '').toLowerCase()] ?? 0));
  if (!Number.isSafeInteger(bytes)) return failed(`invalid size ${JSON.stringify(text)}: too large`);
  return parsed(bytes);
}

/** Reads a size (number of bytes or a size string) at `path`; reports invalid ones. */
export function readByteSize(v: RawValue | undefined, path: ModelPath, diag: Diagnostics): number | undefined {
  if (typeof v === 'number') {
    if (Number.isSafeInteger(v) && v >= 0) return v;
    diag.error(path, `invalid size ${v}: expected a whole, non-negative number of bytes`);
    return undefined;
  }
  if (typeof v !== 'string') return undefined;
  const r = parseByteSize(v);
  if (r.ok) return r.value;
  diag.error(path, r.error);
  return undefined;
}
