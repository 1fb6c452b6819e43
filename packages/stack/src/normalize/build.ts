/** A service's `build:` section: a context path, or the mapping with Dockerfile, args, target. */
import type { BuildSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { EnvLookup } from '../env.js';
import type { RawValue } from '../raw-model.js';
import { normalizeLabels } from './labels.js';
import { readListOrDict, resolveNulls } from './list-or-dict.js';
import { mapOf, nonEmptyString } from './raw-values.js';

/** Normalizes `build`; undefined when the service has none. */
export function normalizeBuild(raw: RawValue | undefined, path: ModelPath, lookup: EnvLookup, diag: Diagnostics): BuildSpec | undefined {
  if (typeof raw === 'string') return { context: raw === '' ? '.' : raw, args: {}, labels: {} };
  const m = mapOf(raw);
  if (!m) return undefined;
  const dockerfile = nonEmptyString(m['dockerfile']);
  const dockerfileInline = nonEmptyString(m['dockerfile_inline']);
  if (dockerfile !== undefined && dockerfileInline !== undefined) {
    diag.error([...path, 'dockerfile_inline'], 'dockerfile and dockerfile_inline cannot both be set');
  }
  const target = nonEmptyString(m['target']);
  return {
    // Compose's default context is the project directory; the path stage normally fills it in.
    context: nonEmptyString(m['context']) ?? '.',
    ...(dockerfile !== undefined ? { dockerfile } : {}),
    ...(dockerfileInline !== undefined ? { dockerfileInline } : {}),
    // Like environment entries, an argument without a value comes from the invoking environment.
    args: resolveNulls(readListOrDict(m['args'], [...path, 'args'], diag), lookup),
    ...(target !== undefined ? { target } : {}),
    labels: normalizeLabels(m['labels'], [...path, 'labels'], diag),
  };
}
