/**
 * Service `extends` (Compose Specification, Services → extends): a service is merged onto the
 * service it names, in the same file or another one, recursively, with the service merge
 * rules. Every attribute is inherited, `depends_on` and `volumes_from` included: the current
 * spec only says that the resources those attributes name are not imported along with them.
 */
import path from 'node:path';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { SourceMap } from '../source-map.js';
import { nameBelow } from './file-names.js';
import { mergeService } from './merge.js';
import { hasKey, mapInside, newMap, setKey, valueAt, withoutKey } from './raw-access.js';
import { SourceTree, copyEntriesWhere } from './source-tree.js';

/** What `applyExtends` needs from the loader. */
export interface ExtendsContext {
  diag: Diagnostics;
  /** Another file's model, interpolated and with absolute paths; undefined if it cannot be read. */
  loadFile: (absPath: string) => LoadedModel | undefined;
  /** How messages name a file; by default relative to the model's directory. */
  showPath?: (absPath: string) => string;
}

/** One file as seen by the resolver. */
interface FileState {
  loaded: LoadedModel;
  tree: SourceTree;
  diag: Diagnostics;
}

/** A service with its `extends` applied, and where its positions are. */
interface Resolved {
  value: RawMap;
  tree: SourceTree;
  path: ModelPath;
}

/** `extends: name` or `extends: {service, file?}`, with where each part was written. */
interface Reference {
  service: string;
  servicePath: ModelPath;
  file?: string;
  filePath: ModelPath;
}

/** The model with every service's `extends` merged in and removed. */
export function applyExtends(loaded: LoadedModel, ctx: ExtendsContext): LoadedModel {
  const servicesValue = valueAt(loaded.model, 'services');
  const services = mapInside(servicesValue);
  if (!services || !Object.keys(services).some((name) => hasKey(mapInside(services[name]) ?? newMap(), 'extends'))) {
    return loaded;
  }
  const resolver = new ExtendsResolver(loaded, ctx);
  const out = newMap();
  const extended = new Set<string>();
  const resolved: [string, Resolved][] = [];
  for (const name of Object.keys(services)) {
    const raw = services[name] as RawValue;
    const service = mapInside(raw);
    if (!service || !hasKey(service, 'extends')) {
      setKey(out, name, raw);
      continue;
    }
    const r = resolver.resolve(resolver.root, name);
    setKey(out, name, raw instanceof MergeTag ? new MergeTag(raw.tag, r.value) : r.value);
    extended.add(name);
    resolved.push([name, r]);
  }
  const sources = new SourceMap();
  // The positions of an extended service are all rewritten from the merge below.
  copyEntriesWhere(sources, loaded.sources, (p) => !(p[0] === 'services' && typeof p[1] === 'string' && extended.has(p[1])));
  for (const [name, r] of resolved) r.tree.copyInto(sources, r.path, ['services', name]);

  const model = newMap();
  for (const key of Object.keys(loaded.model)) {
    const keep = key !== 'services' ? (loaded.model[key] as RawValue) : servicesValue instanceof MergeTag ? new MergeTag(servicesValue.tag, out) : out;
    setKey(model, key, keep);
  }
  return { ...loaded, model, sources };
}

class ExtendsResolver {
  readonly root: FileState;
  private readonly files = new Map<string, FileState | undefined>();
  private readonly done = new Map<string, Resolved>();
  private readonly stack: { key: string; name: string; file: FileState }[] = [];
  private readonly inCycle = new Set<string>();
  private readonly show: (file: string) => string;

  constructor(loaded: LoadedModel, private readonly ctx: ExtendsContext) {
    this.root = this.state(loaded);
    this.files.set(loaded.file, this.root);
    this.show = ctx.showPath ?? ((file) => nameBelow(file, loaded.dir));
  }

  /** Service `name` of `file` with its extends chain applied (cached per file and service). */
  resolve(file: FileState, name: string): Resolved {
    const key = `${file.loaded.file}\0${name}`;
    const cached = this.done.get(key);
    if (cached) return cached;
    const servicePath = ['services', name];
    const service = mapInside(valueAt(mapInside(valueAt(file.loaded.model, 'services')) ?? newMap(), name)) ?? newMap();
    let result: Resolved = { value: withoutKey(service, 'extends'), tree: file.tree, path: servicePath };
    if (hasKey(service, 'extends')) {
      this.stack.push({ key, name, file });
      const merged = this.extend(file, name, service);
      this.stack.pop();
      // A service caught in a cycle keeps only its own attributes.
      if (merged && !this.inCycle.has(key)) result = merged;
    }
    this.done.set(key, result);
    return result;
  }

  private extend(file: FileState, name: string, service: RawMap): Resolved | undefined {
    const at: ModelPath = ['services', name, 'extends'];
    const ref = reference(valueAt(service, 'extends') as RawValue, at);
    if (!ref) {
      file.diag.error(at, 'extends must be a service name or a mapping with "service" (and optionally "file")');
      return undefined;
    }
    const baseFile = ref.file === undefined ? file : this.fileAt(path.resolve(file.loaded.dir, ref.file));
    if (!baseFile) {
      file.diag.error(ref.filePath, `service "${name}" extends service "${ref.service}" from ${this.show(path.resolve(file.loaded.dir, ref.file ?? ''))}, which could not be loaded`);
      return undefined;
    }
    const baseServices = mapInside(valueAt(baseFile.loaded.model, 'services'));
    if (!baseServices || !hasKey(baseServices, ref.service)) {
      file.diag.error(ref.servicePath, `service "${name}" extends undefined service "${ref.service}" in ${this.show(baseFile.loaded.file)}`);
      return undefined;
    }
    const baseKey = `${baseFile.loaded.file}\0${ref.service}`;
    const open = this.stack.findIndex((frame) => frame.key === baseKey);
    if (open >= 0) {
      const cycle = this.stack.slice(open);
      const first = cycle[0] as (typeof cycle)[number];
      const names = [...cycle, first].map((frame) => this.label(frame.name, frame.file));
      first.file.diag.error(['services', first.name, 'extends'], `extends cycle: ${names.join(' → ')}`);
      for (const frame of cycle) this.inCycle.add(frame.key);
      return undefined;
    }
    const base = this.resolve(baseFile, ref.service);
    const target = new SourceMap();
    const servicePath = ['services', name];
    const value = mergeService(base.value, withoutKey(service, 'extends'), {
      base: { tree: base.tree, path: base.path },
      override: { tree: file.tree, path: servicePath },
      target,
      at: servicePath,
    });
    return { value, tree: SourceTree.from(target), path: servicePath };
  }

  private label(name: string, file: FileState): string {
    return file === this.root ? name : `${name} (${this.show(file.loaded.file)})`;
  }

  private fileAt(absPath: string): FileState | undefined {
    if (this.files.has(absPath)) return this.files.get(absPath);
    const loaded = this.ctx.loadFile(absPath);
    const state = loaded ? this.state(loaded) : undefined;
    this.files.set(absPath, state);
    return state;
  }

  private state(loaded: LoadedModel): FileState {
    return { loaded, tree: SourceTree.from(loaded.sources), diag: this.ctx.diag.at(loaded.sources) };
  }
}

function reference(v: RawValue, at: ModelPath): Reference | undefined {
  if (typeof v === 'string' && v !== '') return { service: v, servicePath: at, filePath: at };
  if (!isRawMap(v)) return undefined;
  const service = valueAt(v, 'service');
  const file = valueAt(v, 'file');
  if (typeof service !== 'string' || service === '') return undefined;
  if (file !== undefined && file !== null && typeof file !== 'string') return undefined;
  return {
    service,
    servicePath: [...at, 'service'],
    ...(typeof file === 'string' ? { file } : {}),
    filePath: typeof file === 'string' ? [...at, 'file'] : at,
  };
}
