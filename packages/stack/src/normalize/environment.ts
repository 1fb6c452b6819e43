/**
 * A service's environment: every `env_file` in order, then `environment` on top. A variable
 * listed without a value (`- FOO`) takes the invoking environment's value, as Compose does at
 * load time; when that is unset too it stays null (set nothing in the task).
 */
import type { Diagnostic, ModelPath } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { readListOrDict, resolveNulls } from './list-or-dict.js';
import type { NormalizeContext } from './normalize-context.js';
import { listOf, mapOf, readBoolean, setOwn, stringOf } from './raw-values.js';

/** One `env_file` entry. */
export interface EnvFileRef {
  path: string;
  required: boolean;
  /** `format: raw`: values are taken literally, without quotes or interpolation. */
  raw: boolean;
  /** Where the entry is in the model, for problems with the file as a whole. */
  at: ModelPath;
}

/** Reads `env_file`: a path, a list of paths, or a list of `{path, required, format}`. */
export function envFileRefs(raw: RawValue | undefined, path: ModelPath, ctx: Pick<NormalizeContext, 'diag'>): EnvFileRef[] {
  if (typeof raw === 'string') return [{ path: raw, required: true, raw: false, at: path }];
  const refs: EnvFileRef[] = [];
  (listOf(raw) ?? []).forEach((entry, i) => {
    if (typeof entry === 'string') {
      refs.push({ path: entry, required: true, raw: false, at: [...path, i] });
      return;
    }
    const m = mapOf(entry);
    const file = stringOf(m?.['path']);
    if (!m || file === undefined) return;
    const required = readBoolean(m['required'], [...path, i, 'required'], ctx.diag) ?? true;
    const format = stringOf(m['format']);
    if (format !== undefined && format !== 'raw') {
      ctx.diag.error([...path, i, 'format'], `unsupported env_file format ${JSON.stringify(format)}: the only format is "raw"`);
    }
    refs.push({ path: file, required, raw: format === 'raw', at: [...path, i] });
  });
  return refs;
}

/**
 * How the injected reader reports a file it could not find: a file-level diagnostic (no
 * position inside the file) saying so. Only that is silenced for `required: false`; syntax
 * errors inside an optional file that exists are still reported.
 */
function isMissingFile(d: Diagnostic): boolean {
  return d.pos === undefined && /no such file|not found|does not exist|ENOENT/i.test(d.message);
}

/** Merges env files and `environment` for the service at `servicePath`. */
export function normalizeEnvironment(service: RawMap, servicePath: ModelPath, ctx: NormalizeContext): Record<string, string | null> {
  const out: Record<string, string | null> = {};
  for (const ref of envFileRefs(service['env_file'], [...servicePath, 'env_file'], ctx)) {
    const read = ctx.readEnvFile(ref.path, { raw: ref.raw });
    for (const d of read.diagnostics) {
      if (!ref.required && isMissingFile(d)) continue;
      // A problem with the file as a whole (not found, unreadable) has no position in it:
      // point at the env_file entry instead, so the message says where the file was named.
      if (d.pos === undefined && d.path === '') {
        if (d.severity === 'error') ctx.diag.error(ref.at, d.message);
        else ctx.diag.warn(ref.at, d.message);
      } else ctx.diag.add(d);
    }
    for (const [key, v] of Object.entries(read.values)) setOwn(out, key, v);
  }
  const own = readListOrDict(service['environment'], [...servicePath, 'environment'], ctx.diag);
  for (const [key, v] of Object.entries(resolveNulls(own, ctx.lookup))) setOwn(out, key, v);
  return out;
}
