/**
 * Compose durations (`1m30s`, `10s`, `1h2m3.5s`, `500ms`, `2us`) → milliseconds.
 * The Compose Specification writes durations as `{value}{unit}` strings and compose-go rejects a
 * bare number other than 0 ("missing unit"), for every duration field alike; berth does the same,
 * since guessing seconds for `30` would silently mean something else to another tool.
 * Units: ns, us (µs), ms, s, m, h, plus d and w which compose-go also accepts.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { failed, parsed, type ParseResult } from './parse-result.js';

const NS_PER_UNIT: Readonly<Record<string, number>> = {
  ns: 1,
  us: 1e3,
  'µs': 1e3, // U+00B5 micro sign
  'μs': 1e3, // U+03BC Greek mu, which Go also accepts
  ms: 1e6,
  s: 1e9,
  m: 60e9,
  h: 3600e9,
  d: 86_400e9,
  w: 604_800e9,
};

const PART = /(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|μs|ms|s|m|h|d|w)/y;
const EXAMPLES = 'e.g. "10s", "1m30s" or "500ms"';

/**
 * Parses a duration string to whole milliseconds. Sub-millisecond remainders round up, so a
 * non-zero duration never becomes 0 (which often means "use the default" downstream).
 */
export function parseDurationMs(text: string): ParseResult<number> {
  const s = text.trim();
  const shown = JSON.stringify(text);
  if (s === '0' || s === '+0') return parsed(0);
  if (s.startsWith('-')) return failed(`invalid duration ${shown}: durations cannot be negative`);
  const body = s.startsWith('+') ? s.slice(1) : s;
  if (body === '') return failed(`invalid duration ${shown}: expected a number and a unit, ${EXAMPLES}`);
  if (/^\d+(\.\d+)?$/.test(body)) return failed(`invalid duration ${shown}: a unit is required, ${EXAMPLES}`);
  let ns = 0;
  PART.lastIndex = 0;
  while (PART.lastIndex < body.length) {
    const at = PART.lastIndex;
    const m = PART.exec(body);
    if (!m) {
      return failed(`invalid duration ${shown}: unexpected ${JSON.stringify(body.slice(at))}, ${EXAMPLES}`);
    }
    ns += Number(m[1]) * (NS_PER_UNIT[m[2] as string] ?? 0);
  }
  // Round to whole nanoseconds first so float noise (1.1 × 1e9) cannot push the ceiling up.
  const ms = Math.ceil(Math.round(ns) / 1e6);
  if (!Number.isSafeInteger(ms)) return failed(`invalid duration ${shown}: too long`);
  return parsed(ms);
}

/** Reads a duration value at `path`; reports unparsable ones. 0 is accepted as a number too. */
export function readDurationMs(v: RawValue | undefined, path: ModelPath, diag: Diagnostics): number | undefined {
  if (typeof v === 'number') {
    if (v === 0) return 0;
    diag.error(path, `invalid duration ${v}: a unit is required, e.g. "${v}s"`);
    return undefined;
  }
  if (typeof v !== 'string') return undefined;
  const r = parseDurationMs(v);
  if (r.ok) return r.value;
  diag.error(path, r.error);
  return undefined;
}
