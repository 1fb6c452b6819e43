/**
 * Merging Compose models the way `-f a.yaml -f b.yaml` does (Compose Specification, "Merge and
 * override"), and merging one service onto another for `extends`. The result holds no merge
 * tags and a fresh source map in which every node points at the file it came from.
 */
import type { ModelPath } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import { isRawMap, type RawMap } from '../raw-model.js';
import { SourceMap } from '../source-map.js';
import { MergeRun } from './merge-engine.js';
import { newMap } from './raw-access.js';
import { SourceTree } from './source-tree.js';

export { stripMergeTags } from './merge-tags.js';

/** `override` merged onto `base`; the result keeps the base's file and directory. */
export function mergeModels(base: LoadedModel, override: LoadedModel): LoadedModel {
  const sources = new SourceMap();
  const merged = new MergeRun(sources).merge(
    { value: base.model, tree: SourceTree.from(base.sources), path: [] },
    { value: override.model, tree: SourceTree.from(override.sources), path: [] },
    [],
    [],
  );
  return { file: base.file, dir: base.dir, model: isRawMap(merged) ? merged : newMap(), sources };
}

/** Where one merge input lives: the positions of its file and its path there. */
export interface MergeOrigin {
  tree: SourceTree;
  path: ModelPath;
}

/** Position bookkeeping for `mergeService`: both inputs' origins and where the result goes. */
export interface ServiceMergeSources {
  base: MergeOrigin;
  override: MergeOrigin;
  /** Receives the positions of the merged service, rooted at `at`. */
  target: SourceMap;
  at: ModelPath;
}

/**
 * `override` merged onto `base` with the service merge rules (as `extends` does). Without
 * `sources` no positions are recorded.
 */
export function mergeService(base: RawMap, override: RawMap, sources?: ServiceMergeSources): RawMap {
  const empty = SourceTree.from(new SourceMap());
  const merged = new MergeRun(sources?.target ?? new SourceMap()).merge(
    { value: base, tree: sources?.base.tree ?? empty, path: sources?.base.path ?? [] },
    { value: override, tree: sources?.override.tree ?? empty, path: sources?.override.path ?? [] },
    sources?.at ?? ['services', '*'],
    // The rule path only has to look like a service's; the name itself never matters.
    ['services', '*'],
  );
  return isRawMap(merged) ? merged : newMap();
}
