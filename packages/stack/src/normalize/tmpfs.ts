/**
 * The service `tmpfs:` key (a string or a list): `/run` or `/run:size=64m,mode=1777,noexec`.
 * `size` and `mode` are kept; other mount flags (rw, noexec, nosuid, ...) are engine defaults
 * berth does not model.
 */
import type { VolumeMountSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { parseByteSize } from './byte-size.js';
import { parseFileMode } from './file-mode.js';
import { failed, parsed, type ParseResult } from './parse-result.js';
import { listOf } from './raw-values.js';
import { isAbsoluteTarget } from './volume-short.js';

type TmpfsMount = Extract<VolumeMountSpec, { type: 'tmpfs' }>;

/** Parses one `path[:options]` tmpfs entry. */
export function parseTmpfsEntry(text: string): ParseResult<TmpfsMount> {
  const colon = text.indexOf(':');
  const target = colon === -1 ? text : text.slice(0, colon);
  if (!isAbsoluteTarget(target)) return failed(`invalid tmpfs ${JSON.stringify(text)}: the path must be absolute`);
  const mount: TmpfsMount = { type: 'tmpfs', target };
  for (const option of colon === -1 ? [] : text.slice(colon + 1).split(',')) {
    const eq = option.indexOf('=');
    const key = eq === -1 ? option : option.slice(0, eq);
    const value = option.slice(eq + 1);
    if (key === 'size') {
      const size = parseByteSize(value);
      if (!size.ok) return failed(`invalid tmpfs ${JSON.stringify(text)}: ${size.error}`);
      mount.sizeBytes = size.value;
    } else if (key === 'mode') {
      const mode = parseFileMode(value);
      if (!mode.ok) return failed(`invalid tmpfs ${JSON.stringify(text)}: ${mode.error}`);
      mount.mode = mode.value;
    }
  }
  return parsed(mount);
}

/** Normalizes the service `tmpfs` key into tmpfs mounts. */
export function normalizeTmpfs(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): TmpfsMount[] {
  const entries: [string, ModelPath][] =
    typeof raw === 'string'
      ? [[raw, path]]
      : (listOf(raw) ?? []).flatMap((e, i): [string, ModelPath][] => (typeof e === 'string' ? [[e, [...path, i]]] : []));
  const out: TmpfsMount[] = [];
  for (const [text, at] of entries) {
    const r = parseTmpfsEntry(text);
    if (r.ok) out.push(r.value);
    else diag.error(at, r.error);
  }
  return out;
}
