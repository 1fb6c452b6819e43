/**
 * Secrets and configs: the top-level declarations (where the value comes from) and each
 * service's references (where the file is mounted, owner and mode).
 */
import type { ConfigSpec, FileMountRef, SecretSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { readFileMode } from './file-mode.js';
import { listOf, listWords, mapOf, nonEmptyString, scalarText, setOwn, stringOf } from './raw-values.js';
import { resourceIdentity } from './resource-identity.js';

/** Which of the two top-level sections a reference points into. */
export type FileKind = 'secret' | 'config';

const SOURCES: Record<FileKind, readonly string[]> = { secret: ['file', 'environment'], config: ['file', 'environment', 'content'] };

/** Normalizes top-level `secrets` or `configs`; each needs exactly one source unless external. */
export function normalizeFileResources(
  raw: RawValue | undefined,
  kind: FileKind,
  projectName: string,
  diag: Diagnostics,
): Record<string, SecretSpec & ConfigSpec> {
  const section = kind === 'secret' ? 'secrets' : 'configs';
  const out: Record<string, SecretSpec & ConfigSpec> = {};
  for (const [key, value] of Object.entries(mapOf(raw) ?? {})) {
    const m = mapOf(value);
    if (!m) continue;
    const path = [section, key];
    const spec: SecretSpec & ConfigSpec = resourceIdentity(key, m, projectName, path, diag);
    // An empty file or variable name is "not set"; empty inline content is still content.
    const given = (s: string): string | undefined => (s === 'content' ? stringOf(m[s]) : nonEmptyString(m[s]));
    const sources = SOURCES[kind].filter((s) => given(s) !== undefined);
    const words = listWords(SOURCES[kind]);
    if (!spec.external && sources.length === 0) diag.error(path, `${kind} ${JSON.stringify(key)} must declare one of ${words}`);
    if (sources.length > 1) diag.error(path, `${kind} ${JSON.stringify(key)} declares more than one of ${words}`);
    for (const s of sources) spec[s as 'file' | 'environment' | 'content'] = given(s);
    setOwn(out, key, spec);
  }
  return out;
}

/** Which service references files, and which are declared. */
export interface FileRefScope {
  service: string;
  declared: ReadonlySet<string>;
}

/** Normalizes a service's `secrets` or `configs` list (short names or long mappings). */
export function normalizeFileRefs(
  raw: RawValue | undefined,
  kind: FileKind,
  path: ModelPath,
  scope: FileRefScope,
  diag: Diagnostics,
): FileMountRef[] {
  const out: FileMountRef[] = [];
  (listOf(raw) ?? []).forEach((entry, i) => {
    const at = [...path, i];
    const long = mapOf(entry);
    const source = typeof entry === 'string' ? entry : stringOf(long?.['source']);
    if (source === undefined) return;
    if (!scope.declared.has(source)) {
      const section = kind === 'secret' ? 'secrets' : 'configs';
      diag.error(
        long ? [...at, 'source'] : at,
        `${kind} ${JSON.stringify(source)} is used by service ${JSON.stringify(scope.service)} but not declared in the top-level ${section}`,
      );
      return;
    }
    out.push(long ? longRef(source, long, kind, at, diag) : { source, target: defaultTarget(kind, source) });
  });
  return out;
}

/** Secrets live under /run/secrets, configs at the root, unless an absolute target is given. */
function defaultTarget(kind: FileKind, name: string): string {
  if (name.startsWith('/')) return name;
  return kind === 'secret' ? `/run/secrets/${name}` : `/${name}`;
}

function longRef(source: string, m: RawMap, kind: FileKind, path: ModelPath, diag: Diagnostics): FileMountRef {
  const target = stringOf(m['target']);
  const ref: FileMountRef = { source, target: defaultTarget(kind, target === undefined || target === '' ? source : target) };
  const uid = scalarText(m['uid']);
  const gid = scalarText(m['gid']);
  const mode = readFileMode(m['mode'], [...path, 'mode'], diag);
  if (uid !== undefined) ref.uid = uid;
  if (gid !== undefined) ref.gid = gid;
  if (mode !== undefined) ref.mode = mode;
  return ref;
}
