/**
 * JSON pointers as ajv reports them: `instancePath` (into the model) becomes a ModelPath,
 * `schemaPath` (a URI fragment into the schema) leads back to the schema node that failed.
 */
import type { ModelPath } from '../diagnostics.js';

/** Unescapes one pointer segment (`~1` is `/`, `~0` is `~`, in that order). */
export function unescapeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function child(node: unknown, key: string | number): unknown {
  if (typeof node !== 'object' || node === null) return undefined;
  return (node as Record<string | number, unknown>)[key];
}

/** ModelPath of an ajv `instancePath` in `root`: array indexes become numbers. */
export function pointerToModelPath(pointer: string, root: unknown): (string | number)[] {
  if (pointer === '') return [];
  const path: (string | number)[] = [];
  let node = root;
  for (const raw of pointer.slice(1).split('/')) {
    const key = unescapeSegment(raw);
    // Only the data can tell an index from a key that looks like a number ("0" in a mapping).
    const seg = Array.isArray(node) && /^\d+$/.test(key) ? Number(key) : key;
    path.push(seg);
    node = child(node, seg);
  }
  return path;
}

/** The value at `path` in `root`, undefined when it is not there. */
export function valueAt(root: unknown, path: ModelPath): unknown {
  let node = root;
  for (const seg of path) node = child(node, seg);
  return node;
}

/** The schema node a `schemaPath` like `#/properties/a/type` points into, minus `drop` segments. */
export function schemaAt(root: unknown, schemaPath: string, drop = 0): unknown {
  const segs = schemaPath.replace(/^#\/?/, '').split('/').filter((s) => s !== '');
  let node = root;
  for (const raw of segs.slice(0, segs.length - drop)) {
    node = child(node, unescapeSegment(decodeURIComponent(raw)));
  }
  return node;
}
