/** Labels (service, deploy, build, networks, volumes): a `a=b` list or a mapping → strings. */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { readListOrDict } from './list-or-dict.js';
import { setOwn } from './raw-values.js';

/** Normalizes labels; a label without a value is the empty string, as in Docker. */
export function normalizeLabels(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [key, v] of Object.entries(readListOrDict(raw, path, diag))) setOwn(out, key, v ?? '');
  return out;
}

