/**
 * Top-level `include` (Compose Specification, Include): each entry names one Compose
 * application (several files are merged into one first) whose resources are copied into the
 * including model. Loading, per-include `.env` and cycle detection belong to the loader; this
 * stage reads the entries and combines the results.
 */
import path from 'node:path';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { SourceMap } from '../source-map.js';
import { nameBelow } from './file-names.js';
import { mergeModels, stripMergeTags } from './merge.js';
import { hasKey, mapInside, newMap, rawEqual, setKey, valueAt } from './raw-access.js';
import { SourceTree, copyEntriesWhere } from './source-tree.js';

/** One `include` entry: the files to merge and load as one application. */
export interface IncludeEntry {
  paths: string[];
  projectDirectory?: string;
  envFiles: string[];
}

/** What `applyIncludes` needs from the loader. */
export interface IncludeContext {
  diag: Diagnostics;
  /** Loads one included application; `from` is the model path of the entry, for messages. */
  loadInclude: (entry: IncludeEntry, from: ModelPath) => LoadedModel | undefined;
  /** How messages name a file; by default relative to the model's directory. */
  showPath?: (absPath: string) => string;
}

/** The top-level sections an included application contributes. */
const RESOURCE_KINDS = ['services', 'networks', 'volumes', 'secrets', 'configs'] as const;

/** Where a resource of the combined model was defined: here, or in an included file. */
type Origin = { here: true } | { here: false; file: string; entryPath: ModelPath };

/** The model with every included application's resources added and `include` removed. */
export function applyIncludes(loaded: LoadedModel, ctx: IncludeContext): LoadedModel {
  if (!hasKey(loaded.model, 'include')) return loaded;
  const diag = ctx.diag.at(loaded.sources);
  const show = ctx.showPath ?? ((file: string) => nameBelow(file, loaded.dir));
  const model = newMap();
  for (const key of Object.keys(loaded.model)) if (key !== 'include') setKey(model, key, loaded.model[key] as RawValue);
  const sources = new SourceMap();
  copyEntriesWhere(sources, loaded.sources, (p) => p[0] !== 'include');

  const origins = new Map<string, Origin>();
  const sections = new Map<string, RawMap>();
  for (const kind of RESOURCE_KINDS) {
    const current = valueAt(model, kind);
    const own = mapInside(current);
    if (!own) continue;
    // A shallow copy of the section, so the input model is never written to.
    const copy = newMap();
    for (const name of Object.keys(own)) {
      setKey(copy, name, own[name] as RawValue);
      origins.set(`${kind}\0${name}`, { here: true });
    }
    sections.set(kind, copy);
    setKey(model, kind, current instanceof MergeTag ? new MergeTag(current.tag, copy) : copy);
  }
  const sectionOf = (kind: string): RawMap => {
    let section = sections.get(kind);
    if (!section) {
      section = newMap();
      sections.set(kind, section);
      setKey(model, kind, section);
    }
    return section;
  };
  for (const { entry, path: entryPath } of parseIncludeEntries(valueAt(loaded.model, 'include') as RawValue, diag)) {
    const included = loadEntry(entry, entryPath, ctx, diag);
    if (!included) continue;
    const tree = SourceTree.from(included.sources);
    for (const kind of RESOURCE_KINDS) {
      const theirs = mapInside(valueAt(included.model, kind));
      if (!theirs) continue;
      const ours = sectionOf(kind);
      for (const name of Object.keys(theirs)) {
        const value = theirs[name] as RawValue;
        const origin = origins.get(`${kind}\0${name}`);
        if (!origin) {
          setKey(ours, name, value);
          tree.copyInto(sources, [kind, name], [kind, name]);
          origins.set(`${kind}\0${name}`, { here: false, file: included.file, entryPath });
        } else if (!sameDefinition(valueAt(ours, name) ?? null, value)) {
          // The same definition reached twice (e.g. a shared file included by two entries) is fine.
          if (origin.here) diag.error([kind, name], `defined both here and in included file ${show(included.file)}`, true);
          else diag.error(entryPath, `${kind}.${name} is defined both in ${show(origin.file)} and in ${show(included.file)}`);
        }
      }
    }
  }
  return { ...loaded, model, sources };
}

function loadEntry(entry: IncludeEntry, entryPath: ModelPath, ctx: IncludeContext, diag: Diagnostics): LoadedModel | undefined {
  const parts: LoadedModel[] = [];
  for (const [i, file] of entry.paths.entries()) {
    const from = entry.paths.length > 1 ? [...entryPath, 'path', i] : entryPath;
    // Each file is loaded on its own but in the application's directory: Compose's default
    // project directory is that of the first file, for every file of the entry.
    const one = { ...entry, paths: [file], projectDirectory: entry.projectDirectory ?? path.dirname(entry.paths[0] as string) };
    const before = diag.errors.length;
    const part = ctx.loadInclude(one, from);
    if (!part) {
      if (diag.errors.length === before) diag.error(from, `cannot load included file ${file}`);
      return undefined;
    }
    parts.push(part);
  }
  const [first, ...rest] = parts;
  if (!first) return undefined;
  return rest.length === 0 ? { ...first, model: stripMergeTags(first.model) } : rest.reduce(mergeModels, first);
}

/** Equal definitions; `data:` (null) and `data: {}` both mean "all defaults". */
function sameDefinition(a: RawValue, b: RawValue): boolean {
  const empty = (v: RawValue): boolean => v === null || (isRawMap(v) && Object.keys(v).length === 0);
  return rawEqual(a, b) || (empty(a) && empty(b));
}

/** The entries of an `include` list with the model path of each; malformed entries are reported. */
export function parseIncludeEntries(value: RawValue, diag: Diagnostics): { entry: IncludeEntry; path: ModelPath }[] {
  const inner = value instanceof MergeTag ? value.value : value;
  const list = Array.isArray(inner) ? inner : inner === null ? [] : [inner];
  const out: { entry: IncludeEntry; path: ModelPath }[] = [];
  list.forEach((item, i) => {
    const at: ModelPath = Array.isArray(inner) ? ['include', i] : ['include'];
    const entry = parseIncludeEntry(item, at, diag);
    if (entry) out.push({ entry, path: at });
  });
  return out;
}

/** One entry: `path.yaml`, or `{path: string | string[], project_directory?, env_file?: string | string[]}`. */
export function parseIncludeEntry(item: RawValue, at: ModelPath, diag: Diagnostics): IncludeEntry | undefined {
  if (typeof item === 'string' && item !== '') return { paths: [item], envFiles: [] };
  if (!isRawMap(item)) {
    diag.error(at, 'an include entry must be a file path or a mapping with "path"');
    return undefined;
  }
  const paths = stringList(valueAt(item, 'path'));
  if (!paths || paths.length === 0) {
    diag.error(hasKey(item, 'path') ? [...at, 'path'] : at, 'include needs "path": a file or a list of files');
    return undefined;
  }
  const envFiles = stringList(valueAt(item, 'env_file') ?? []) ?? (valueAt(item, 'env_file') === null ? [] : undefined);
  if (!envFiles) {
    diag.error([...at, 'env_file'], 'env_file must be a file or a list of files');
    return undefined;
  }
  const dir = valueAt(item, 'project_directory');
  if (dir !== undefined && dir !== null && typeof dir !== 'string') {
    diag.error([...at, 'project_directory'], 'project_directory must be a path');
    return undefined;
  }
  return { paths, envFiles, ...(typeof dir === 'string' && dir !== '' ? { projectDirectory: dir } : {}) };
}

/** A string or a list of non-empty strings as a list; undefined for anything else. */
function stringList(v: RawValue | undefined): string[] | undefined {
  if (typeof v === 'string') return v === '' ? undefined : [v];
  if (!Array.isArray(v) || !v.every((s) => typeof s === 'string' && s !== '')) return undefined;
  return v as string[];
}
