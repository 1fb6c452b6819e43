/** One Compose model as loaded from a file, with where its pieces came from. */
import type { RawMap } from './raw-model.js';
import type { SourceMap } from './source-map.js';

/** A parsed (and later interpolated, merged...) model plus its source map. */
export interface LoadedModel {
  /** Absolute path of the file this model was first read from. */
  file: string;
  /** Directory relative paths in this model were resolved against. */
  dir: string;
  model: RawMap;
  sources: SourceMap;
}
