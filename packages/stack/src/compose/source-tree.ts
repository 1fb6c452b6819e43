/**
 * A read-only index over a SourceMap for moving subtrees of positions. `SourceMap.copySubtree`
 * scans the whole table per call, which turns a merge of N nodes into O(N²); merges move many
 * small subtrees, so this index answers each move in time proportional to the subtree.
 */
import type { ModelPath } from '../diagnostics.js';
import type { NodePos, SourceMap } from '../source-map.js';

interface TreeNode {
  pos?: NodePos;
  children?: Map<string | number, TreeNode>;
}

/** Positions of one source map, arranged as a tree of path segments. */
export class SourceTree {
  private readonly root: TreeNode = {};

  private constructor() {}

  /** Indexes `map` as it is now (later changes to the map are not seen). */
  static from(map: SourceMap): SourceTree {
    const tree = new SourceTree();
    for (const [printed, pos] of map.entries()) {
      const path = parsePrintedPath(printed);
      if (path) tree.insert(path, pos);
    }
    return tree;
  }

  /** The exact entry at `path`, if any. */
  get(path: ModelPath): NodePos | undefined {
    return this.find(path)?.pos;
  }

  /** Writes every entry at or below `from` into `target`, re-rooted at `to`. */
  copyInto(target: SourceMap, from: ModelPath, to: ModelPath): void {
    const node = this.find(from);
    if (node) write(node, [...to], target);
  }

  private insert(path: ModelPath, pos: NodePos): void {
    let node = this.root;
    for (const seg of path) {
      node.children ??= new Map();
      let next = node.children.get(seg);
      if (!next) {
        next = {};
        node.children.set(seg, next);
      }
      node = next;
    }
    node.pos = pos;
  }

  private find(path: ModelPath): TreeNode | undefined {
    let node: TreeNode | undefined = this.root;
    for (const seg of path) {
      node = node.children?.get(seg);
      if (!node) return undefined;
    }
    return node;
  }
}

function write(node: TreeNode, at: (string | number)[], target: SourceMap): void {
  if (node.pos) target.set(at, node.pos);
  if (!node.children) return;
  for (const [seg, child] of node.children) {
    at.push(seg);
    write(child, at, target);
    at.pop();
  }
}

/** Copies the entries of `source` whose path `keep` accepts (one pass, whatever `keep` checks). */
export function copyEntriesWhere(target: SourceMap, source: SourceMap, keep: (path: ModelPath) => boolean): void {
  for (const [key, pos] of source.entries()) {
    const path = parsePrintedPath(key);
    if (path && keep(path)) target.set(path, pos);
  }
}

const SEGMENT = /\.?([A-Za-z_][A-Za-z0-9_-]*)|\[(\d+)\]|\[("(?:[^"\\]|\\.)*")\]/y;

/** Inverse of `pathToString`: `services.web.ports[0]` → ['services', 'web', 'ports', 0]. */
export function parsePrintedPath(printed: string): ModelPath | undefined {
  const out: (string | number)[] = [];
  let i = 0;
  while (i < printed.length) {
    SEGMENT.lastIndex = i;
    const m = SEGMENT.exec(printed);
    if (!m) return undefined;
    const [whole, simple, index, quoted] = m;
    if (simple !== undefined) {
      // A simple key has a dot before it exactly when it is not the first segment.
      if (whole.startsWith('.') !== out.length > 0) return undefined;
      out.push(simple);
    } else if (index !== undefined) {
      out.push(Number(index));
    } else {
      out.push(JSON.parse(quoted as string) as string);
    }
    i += whole.length;
  }
  return out;
}
