/**
 * Interpolates every string value of a raw Compose model, reporting problems as diagnostics at
 * the path of the value they were found in.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { EnvLookup } from '../env.js';
import { isRawMap, MergeTag, type RawMap, type RawValue } from '../raw-model.js';
import { interpolateString } from './interpolate-string.js';

/** A path kept as a parent chain so that deep trees do not copy arrays per node. */
interface PathNode {
  parent: PathNode | undefined;
  seg: string | number;
}

/** A container whose children are still being copied; `next` is the index of the next child. */
interface Frame {
  keys: readonly (string | number)[];
  src: RawMap | RawValue[];
  out: RawMap | RawValue[];
  path: PathNode | undefined;
  next: number;
}

/**
 * Returns a copy of `value` with every string interpolated (mapping values, sequence items and
 * values under merge tags; never mapping keys). Errors go to `diag`; each unset variable is
 * warned about once, at its first use. Never throws; walks the tree without recursion.
 */
export function interpolateModel(value: RawValue, lookup: EnvLookup, diag: Diagnostics, path: ModelPath = []): RawValue {
  const warned = new Set<string>();
  // Shared subtrees (YAML aliases) are copied once and stay shared, which also ends cycles.
  const copies = new Map<object, RawValue>();
  const stack: Frame[] = [];
  const prefix = [...path];
  const fullPath = (node: PathNode | undefined): ModelPath => {
    const segs: (string | number)[] = [];
    for (let n = node; n; n = n.parent) segs.push(n.seg);
    return prefix.concat(segs.reverse());
  };

  const interpolate = (text: string, at: PathNode | undefined): string => {
    const r = interpolateString(text, lookup);
    if (r.errors.length === 0 && r.unset.length === 0) return r.value;
    const where = fullPath(at);
    for (const message of r.errors) diag.error(where, message);
    for (const name of r.unset) {
      if (warned.has(name)) continue;
      warned.add(name);
      diag.warn(where, `variable "${name}" is not set; substituting an empty string`);
    }
    return r.value;
  };

  /** Copies a node: scalars at once, containers empty with a frame that fills them later. */
  const copy = (src: RawValue, at: PathNode | undefined): RawValue => {
    if (typeof src === 'string') return interpolate(src, at);
    if (src === null || typeof src !== 'object') return src;
    const seen = copies.get(src);
    if (seen !== undefined) return seen;
    if (src instanceof MergeTag) {
      // The tag is immutable, so its value is copied first; a tag chain is short in practice.
      const tagged = new MergeTag(src.tag, copy(src.value, at));
      copies.set(src, tagged);
      return tagged;
    }
    if (Array.isArray(src)) {
      const out: RawValue[] = new Array<RawValue>(src.length);
      copies.set(src, out);
      stack.push({ keys: src.map((_, i) => i), src, out, path: at, next: 0 });
      return out;
    }
    if (isRawMap(src)) {
      const out: RawMap = {};
      copies.set(src, out);
      stack.push({ keys: Object.keys(src), src, out, path: at, next: 0 });
      return out;
    }
    return src;
  };

  const root = copy(value, undefined);
  // Depth-first, children in order, so "first use" means first in document order.
  while (stack.length > 0) {
    const frame = stack[stack.length - 1]!;
    if (frame.next >= frame.keys.length) {
      stack.pop();
      continue;
    }
    const key = frame.keys[frame.next++]!;
    const child = (frame.src as Record<string | number, RawValue>)[key]!;
    setOwn(frame.out, key, copy(child, { parent: frame.path, seg: key }));
  }
  return root;
}

/** Sets `key` as an own property, so a `__proto__` key from YAML stays plain data. */
function setOwn(target: RawMap | RawValue[], key: string | number, value: RawValue): void {
  if (key === '__proto__') {
    Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  } else {
    (target as Record<string | number, RawValue>)[key] = value;
  }
}
