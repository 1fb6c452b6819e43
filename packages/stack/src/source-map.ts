/**
 * Source map from model paths to file positions. Paths are stored as their printed form;
 * lookups fall back to the nearest ancestor that has a position, so values made by merging
 * or normalizing still point somewhere useful.
 */
import { pathToString, type ModelPath, type Pos, type SourceLocator } from './diagnostics.js';

/** Where one model node came from: its value and, for mapping entries, its key. */
export interface NodePos {
  value: Pos;
  key?: Pos;
}

/** Model path → position table for one loaded model. */
export class SourceMap implements SourceLocator {
  private readonly table = new Map<string, NodePos>();

  /** Records the position of the node at `path` (last write wins). */
  set(path: ModelPath, pos: NodePos): void {
    this.table.set(pathToString(path), pos);
  }

  /** Records a position under an already printed path (the parser's hot path). */
  setPrinted(printed: string, pos: NodePos): void {
    this.table.set(printed, pos);
  }

  /** The exact entry for `path`, if any. */
  get(path: ModelPath): NodePos | undefined {
    return this.table.get(pathToString(path));
  }

  /** Position of `path` or of its nearest recorded ancestor. */
  locate(path: ModelPath, atKey = false): Pos | undefined {
    for (let n = path.length; n >= 0; n--) {
      const hit = this.table.get(pathToString(path.slice(0, n)));
      if (hit) return (atKey && n === path.length ? hit.key : undefined) ?? hit.value;
    }
    return undefined;
  }

  /** Copies every entry under `from` to the same relative place under `to` (for extends). */
  copySubtree(from: ModelPath, to: ModelPath, source: SourceMap = this): void {
    const prefix = pathToString(from);
    for (const [key, pos] of source.entries()) {
      if (key === prefix || key.startsWith(prefix + '.') || key.startsWith(prefix + '[')) {
        this.table.set(pathToString(to) + key.slice(prefix.length), pos);
      }
    }
  }

  /** Adds every entry of `other`, overwriting entries at the same paths. */
  absorb(other: SourceMap): void {
    for (const [key, pos] of other.entries()) this.table.set(key, pos);
  }

  /** All entries as [printed path, position]. */
  entries(): IterableIterator<[string, NodePos]> {
    return this.table.entries();
  }
}
