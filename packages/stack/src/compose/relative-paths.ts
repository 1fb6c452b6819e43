/**
 * Making the filesystem paths of one file's model absolute, as Compose does right after
 * loading: relative paths are against the project directory, `~` and `~/x` against home.
 * Only the attributes that name host paths are touched; remote build contexts, named volumes
 * and everything else stay as written. Merge tags are looked through and kept.
 */
import path from 'node:path';
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { cloneRaw, hasKey, mapInside, setKey } from './raw-access.js';
import { isHomePath, isRelativeHostSource, splitVolumeSpec } from './volume-spec.js';

type Rewrite = (v: RawValue) => RawValue;

/** URL (`https://`, `git://`, `ssh://`, `docker-image://`…), scp-style git, GitHub shorthand, or another service's image. */
const REMOTE_CONTEXT = /^(?:[A-Za-z][A-Za-z0-9+.-]*:\/\/|git@|github\.com\/|service:)/;

/**
 * A copy of `model` with relative host paths made absolute against `baseDir` (which must be
 * absolute) and `~` expanded with `home`. Pure: the disk is never consulted.
 */
export function resolveRelativePaths(model: RawMap, baseDir: string, home: string): RawMap {
  const copy = cloneRaw(model) as RawMap;
  const abs = (p: string): string => {
    if (isHomePath(p)) return path.join(home, p.slice(2));
    return path.resolve(baseDir, p);
  };
  const absString: Rewrite = (v) => (typeof v === 'string' && v !== '' ? abs(v) : v);
  const absStrings: Rewrite = (v) => (Array.isArray(v) ? v.map((item) => through(item, absString)) : absString(v));

  for (const service of entriesOf(copy, 'services')) {
    edit(service, 'build', (b) => {
      const localContext: Rewrite = (c) => (typeof c === 'string' && !REMOTE_CONTEXT.test(c) ? abs(c) : c);
      if (typeof b === 'string') return localContext(b);
      if (isRawMap(b)) edit(b, 'context', localContext);
      return b;
    });
    edit(service, 'env_file', (v) => eachItem(v, (item) => (isRawMap(item) ? (edit(item, 'path', absString), item) : absString(item))));
    edit(service, 'label_file', absStrings);
    edit(service, 'volumes', (v) => eachItem(v, (item) => volume(item, abs)));
    edit(service, 'extends', (v) => (isRawMap(v) ? (edit(v, 'file', absString), v) : v));
    // A process-driver task runs on the host, so its working_dir is a host path: relative to
    // the file it was written in, and that file's directory when not given.
    const berth = service['x-berth'];
    if (isRawMap(berth) && berth['driver'] === 'process') {
      service['working_dir'] = typeof service['working_dir'] === 'string' && service['working_dir'] !== '' ? abs(service['working_dir']) : baseDir;
    }
  }
  for (const kind of ['secrets', 'configs']) {
    for (const resource of entriesOf(copy, kind)) edit(resource, 'file', absString);
  }
  edit(copy, 'include', (v) =>
    eachItem(v, (entry) => {
      if (!isRawMap(entry)) return absString(entry);
      edit(entry, 'path', absStrings);
      edit(entry, 'env_file', absStrings);
      edit(entry, 'project_directory', absString);
      return entry;
    }),
  );
  return copy;
}

/** One service volume: a relative bind source in short syntax, or a `type: bind` long form. */
function volume(item: RawValue, abs: (p: string) => string): RawValue {
  if (typeof item === 'string') {
    const parts = splitVolumeSpec(item);
    const source = parts[0] as string;
    // A single part is an anonymous volume's target; a bare name is a named volume.
    if (parts.length < 2 || !isRelativeHostSource(source)) return item;
    return [abs(source), ...parts.slice(1)].join(':');
  }
  if (isRawMap(item) && item['type'] === 'bind') {
    edit(item, 'source', (s) => (typeof s === 'string' && s !== '' && !path.isAbsolute(s) ? abs(s) : s));
  }
  return item;
}

/** The mapping values of a top-level section (`services`, `secrets`…) that are mappings. */
function entriesOf(model: RawMap, section: string): RawMap[] {
  const map = mapInside(hasKey(model, section) ? model[section] : undefined);
  if (!map) return [];
  return Object.keys(map).flatMap((k) => {
    const entry = mapInside(map[k]);
    return entry ? [entry] : [];
  });
}

/** Rewrites `map[key]` in place (the map is our own copy), looking through a merge tag. */
function edit(map: RawMap, key: string, rewrite: Rewrite): void {
  if (hasKey(map, key)) setKey(map, key, through(map[key] as RawValue, rewrite));
}

function through(v: RawValue, rewrite: Rewrite): RawValue {
  return v instanceof MergeTag ? new MergeTag(v.tag, rewrite(v.value)) : rewrite(v);
}

/** Rewrites a value that may be one item or a list of items. */
function eachItem(v: RawValue, rewrite: Rewrite): RawValue {
  return Array.isArray(v) ? v.map((item) => through(item, rewrite)) : rewrite(v);
}
