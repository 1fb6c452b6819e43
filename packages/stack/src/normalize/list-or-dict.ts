/**
 * Compose's `list_or_dict` shape (environment, labels, build args): a list of `KEY=VALUE` /
 * `KEY` strings, or a mapping whose scalar values become text. A missing value stays null.
 * Also the plain option mappings (`driver_opts`), which are mappings only.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { listOf, mapOf, setOwn } from './raw-values.js';

/** Reads a list or mapping into `key → value | null`; later duplicates win. */
export function readListOrDict(
  raw: RawValue | undefined,
  path: ModelPath,
  diag: Diagnostics,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  const map = mapOf(raw);
  if (map) {
    for (const [key, v] of Object.entries(map)) {
      if (v === null) setOwn(out, key, null);
      else if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setOwn(out, key, String(v));
    }
    return out;
  }
  (listOf(raw) ?? []).forEach((entry, i) => {
    if (typeof entry !== 'string') return;
    const eq = entry.indexOf('=');
    const key = eq === -1 ? entry : entry.slice(0, eq);
    if (key.trim() === '') {
      diag.error([...path, i], `invalid entry ${JSON.stringify(entry)}: the name before "=" is empty`);
      return;
    }
    setOwn(out, key, eq === -1 ? null : entry.slice(eq + 1));
  });
  return out;
}

/** Fills null values from `lookup` where it knows them (Compose resolves these at load time). */
export function resolveNulls(
  values: Record<string, string | null>,
  lookup: (name: string) => string | undefined,
): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const [key, v] of Object.entries(values)) setOwn(out, key, v ?? lookup(key) ?? null);
  return out;
}

/** Reads a `driver_opts`-style mapping whose values are scalars into strings. */
export function readOptionMap(raw: RawValue | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(mapOf(raw) ?? {})) {
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') setOwn(out, key, String(v));
  }
  return out;
}
