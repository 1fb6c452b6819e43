/**
 * The loader pipeline: files → parse → interpolate → absolute paths → include → extends →
 * merge overrides → profiles → schema → normalize. Every stage reports into one Diagnostics
 * list so a user sees every problem at once; a stack is returned only when there is no error.
 *
 *   -f a.yaml ─┐                                       ┌─ validate ─ ignored-key warnings
 *   -f b.yaml ─┼─ loadFile ×N ── merge ── profiles ────┤
 *   (.env)  ───┘  (include/extends recurse into it)    └─ normalize ─▶ StackSpec
 */
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import path from 'node:path';
import type { StackSpec } from '@berth/api/domain';
import { applyExtends } from './compose/extends.js';
import { applyIncludes, type IncludeEntry } from './compose/include.js';
import { mergeModels, stripMergeTags } from './compose/merge.js';
import { applyProfiles } from './compose/profiles.js';
import { resolveRelativePaths } from './compose/relative-paths.js';
import { Diagnostics, type Diagnostic } from './diagnostics.js';
import { readEnvFile } from './dotenv/read-env-file.js';
import type { EnvLookup } from './env.js';
import { interpolateModel } from './interpolation/interpolate-model.js';
import type { LoadedModel } from './loaded-model.js';
import { normalizeStack } from './normalize/normalize-stack.js';
import { projectNameFrom } from './project-name.js';
import { reportIgnoredKeys } from './schema/report-ignored.js';
import { validateModel } from './schema/validate-model.js';
import { displayPath, readStackFile } from './yaml-source.js';

/** What to load and with which environment. */
export interface LoadOptions {
  /** Stack files in merge order (`-f a -f b`); relative to `cwd`. */
  files: string[];
  /** `-p NAME`; wins over COMPOSE_PROJECT_NAME, top-level `name` and the directory name. */
  projectName?: string;
  /** `--profile P`; when absent, COMPOSE_PROFILES applies. */
  profiles?: string[];
  /** `--env-file F`: replaces the default `.env` beside the first stack file. */
  envFiles?: string[];
  /** Process environment (default `process.env`); it wins over `.env` values. */
  env?: Readonly<Record<string, string | undefined>>;
  cwd?: string;
  home?: string;
}

/** The loaded stack (only when no error was found) and every diagnostic, sorted by position. */
export interface LoadResult {
  stack?: StackSpec;
  errors: Diagnostic[];
  warnings: Diagnostic[];
}

/** Loads, merges, validates and normalizes Compose files into a StackSpec. Never throws on bad input. */
export function loadStack(options: LoadOptions): LoadResult {
  const cwd = options.cwd ?? process.cwd();
  const home = options.home ?? homedir();
  const processEnv = options.env ?? process.env;
  const diag = new Diagnostics();
  if (options.files.length === 0) {
    diag.error([], 'no stack file given');
    return finish(diag);
  }
  const files = options.files.map((f) => path.resolve(cwd, f));
  const projectDir = path.dirname(files[0] as string);
  const lookup = environmentFor(projectDir, options.envFiles?.map((f) => path.resolve(cwd, f)), processEnv, diag, cwd);

  const loader = new FileLoader(diag, home, cwd);
  const loaded: LoadedModel[] = [];
  for (const file of files) {
    // Compose resolves relative paths of every -f file against the first file's directory.
    const one = loader.load(file, projectDir, lookup, []);
    if (one) loaded.push(one);
  }
  if (loaded.length !== files.length) return finish(diag);

  const merged = loaded.length === 1 ? strip(loaded[0] as LoadedModel) : loaded.slice(1).reduce(mergeModels, loaded[0] as LoadedModel);
  const at = diag.at(merged.sources);
  const profiles = options.profiles ?? splitList(lookup('COMPOSE_PROFILES'));
  const enabled = applyProfiles(merged.model, profiles, at);

  // Errors found while reading, interpolating, including and extending leave values empty or
  // missing; later stages would only report the consequences again, so those are dropped.
  const early = errorPaths(diag.items);
  const beforeSchema = diag.items.length;
  const model = validateModel(enabled, at);
  reportIgnoredKeys(model, at);
  const schema = errorPaths(diag.items.slice(beforeSchema));

  const projectName = projectNameFrom(
    [options.projectName, lookup('COMPOSE_PROJECT_NAME'), typeof model['name'] === 'string' ? model['name'] : undefined],
    projectDir,
    at,
  );
  const afterSchema = diag.items.length;
  const stack = normalizeStack(model, {
    projectName,
    diag: at,
    lookup,
    readEnvFile: (file, opts) => {
      const r = readEnvFile(file, lookup, opts);
      return { values: r.values, diagnostics: r.diagnostics.map((d) => relocate(d, cwd)) };
    },
  });
  const kept = diag.items.filter((d, i) => {
    if (i < beforeSchema || d.severity !== 'error') return true;
    if (early.some((p) => related(p, d.path))) return false;
    // The schema already explained a malformed value; normalizing it again would repeat it.
    return i < afterSchema || !schema.some((p) => within(p, d.path));
  });
  diag.items.splice(0, diag.items.length, ...kept);
  return finish(diag, stack);
}

/** Loads one file and everything it includes or extends, with cycle detection. */
class FileLoader {
  private readonly prepared = new Map<string, LoadedModel | undefined>();

  constructor(
    private readonly diag: Diagnostics,
    private readonly home: string,
    private readonly cwd: string,
  ) {}

  /** A file with its includes and its services' `extends` resolved. */
  load(file: string, dir: string, lookup: EnvLookup, chain: readonly string[]): LoadedModel | undefined {
    const prepared = this.prepare(file, dir, lookup, chain.length > 0);
    if (!prepared) return undefined;
    const here = [...chain, file];
    const withIncludes = applyIncludes(prepared, {
      diag: this.diag.at(prepared.sources),
      loadInclude: (entry, from) => this.loadInclude(entry, here, lookup, this.diag.at(prepared.sources), from),
    });
    // extends resolves base services recursively itself (with its own cycle check), so the
    // files it reaches are handed over prepared but unresolved.
    return applyExtends(withIncludes, {
      diag: this.diag.at(withIncludes.sources),
      loadFile: (other) => (other === file ? withIncludes : this.prepare(other, path.dirname(other), lookup, true)),
    });
  }

  /**
   * Parsed, interpolated, with absolute paths; cached per file and base directory. For a file
   * reached through include/extends, a file-level failure (missing, unreadable) is left to the
   * referring entry, which reports it at its own position.
   */
  private prepare(file: string, dir: string, lookup: EnvLookup, referenced: boolean): LoadedModel | undefined {
    const key = `${file}\0${dir}`;
    if (this.prepared.has(key)) return this.prepared.get(key);
    const read = readStackFile(file, this.cwd);
    for (const d of read.diagnostics) if (!referenced || d.pos) this.diag.add(d);
    let result: LoadedModel | undefined;
    if (read.loaded) {
      const interpolated = interpolateModel(read.loaded.model, lookup, this.diag.at(read.loaded.sources));
      const model = resolveRelativePaths(isMap(interpolated) ? interpolated : {}, dir, this.home);
      result = { ...read.loaded, dir, model };
    }
    this.prepared.set(key, result);
    return result;
  }

  private loadInclude(
    entry: IncludeEntry,
    chain: readonly string[],
    parentLookup: EnvLookup,
    at: Diagnostics,
    from: readonly (string | number)[],
  ): LoadedModel | undefined {
    const first = entry.paths[0];
    if (first === undefined) return undefined;
    const dir = entry.projectDirectory ?? path.dirname(first);
    const envFiles = entry.envFiles.length > 0 ? entry.envFiles : [path.join(dir, '.env')].filter((f) => existsSync(f));
    const own = readEnvFiles(envFiles, parentLookup, this.diag, this.cwd);
    // The including project's variables win over the included project's own .env.
    const lookup: EnvLookup = (name) => parentLookup(name) ?? own[name];
    const parts: LoadedModel[] = [];
    for (const file of entry.paths) {
      if (chain.includes(file)) {
        at.error(from, `include cycle: ${[...chain.slice(chain.indexOf(file)), file].map((f) => displayPath(f, this.cwd)).join(' → ')}`);
        return undefined;
      }
      const part = this.load(file, dir, lookup, chain);
      if (!part) return undefined;
      parts.push(part);
    }
    return parts.length === 1 ? strip(parts[0] as LoadedModel) : parts.slice(1).reduce(mergeModels, parts[0] as LoadedModel);
  }
}

/** Variables for interpolation: the process environment wins over the `.env` file(s). */
function environmentFor(
  projectDir: string,
  envFiles: string[] | undefined,
  processEnv: Readonly<Record<string, string | undefined>>,
  diag: Diagnostics,
  cwd: string,
): EnvLookup {
  const processLookup: EnvLookup = (name) => processEnv[name];
  const files = envFiles ?? [path.join(projectDir, '.env')].filter((f) => existsSync(f));
  const dotenv = readEnvFiles(files, processLookup, diag, cwd);
  return (name) => processEnv[name] ?? dotenv[name];
}

function readEnvFiles(files: string[], lookup: EnvLookup, diag: Diagnostics, cwd: string): Record<string, string> {
  const values: Record<string, string> = {};
  for (const file of files) {
    const r = readEnvFile(file, (name) => lookup(name) ?? values[name]);
    for (const d of r.diagnostics) diag.add(relocate(d, cwd));
    Object.assign(values, r.values);
  }
  return values;
}

/** Shows env-file positions relative to cwd, like stack-file positions. */
function relocate(d: Diagnostic, cwd: string): Diagnostic {
  return d.pos ? { ...d, pos: { ...d.pos, file: displayPath(d.pos.file, cwd) } } : d;
}

function errorPaths(items: Diagnostic[]): string[] {
  return items.filter((d) => d.severity === 'error' && d.path !== '').map((d) => d.path);
}

/** True when `path` is `parent` or below it (printed paths). */
function within(parent: string, path: string): boolean {
  return path === parent || path.startsWith(parent + '.') || path.startsWith(parent + '[');
}

function related(a: string, b: string): boolean {
  return within(a, b) || within(b, a);
}

function strip(m: LoadedModel): LoadedModel {
  return { ...m, model: stripMergeTags(m.model) };
}

function isMap(v: unknown): v is Record<string, never> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function splitList(v: string | undefined): string[] {
  return (v ?? '').split(',').map((s) => s.trim()).filter((s) => s !== '');
}

function finish(diag: Diagnostics, stack?: StackSpec): LoadResult {
  const byPos = (a: Diagnostic, b: Diagnostic): number =>
    (a.pos?.file ?? '').localeCompare(b.pos?.file ?? '') || (a.pos?.line ?? 0) - (b.pos?.line ?? 0) || (a.pos?.col ?? 0) - (b.pos?.col ?? 0);
  const errors = diag.errors.sort(byPos);
  const warnings = diag.warnings.sort(byPos);
  return errors.length === 0 && stack ? { stack, errors, warnings } : { errors, warnings };
}
