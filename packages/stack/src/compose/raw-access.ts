/**
 * Safe reading, building and comparing of raw model maps. Keys come from user files, so a
 * service may well be called `constructor` or `__proto__`: only own keys count, and new maps
 * have no prototype (like the ones the YAML reader builds).
 */
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';

/** A new empty mapping without a prototype. */
export function newMap(): RawMap {
  return Object.create(null) as RawMap;
}

/** True when `key` is an own key of `map`. */
export function hasKey(map: RawMap, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key);
}

/** The value under an own key, or undefined. */
export function valueAt(map: RawMap, key: string): RawValue | undefined {
  return hasKey(map, key) ? map[key] : undefined;
}

/** Sets an own key; defineProperty keeps `__proto__` an ordinary key even on `{}` maps. */
export function setKey(map: RawMap, key: string, value: RawValue): void {
  Object.defineProperty(map, key, { value, enumerable: true, writable: true, configurable: true });
}

/** A copy of `map` without `key`. */
export function withoutKey(map: RawMap, key: string): RawMap {
  const out = newMap();
  for (const k of Object.keys(map)) if (k !== key) setKey(out, k, map[k] as RawValue);
  return out;
}

/** The mapping inside a value, looking through a merge tag; undefined for anything else. */
export function mapInside(v: RawValue | undefined): RawMap | undefined {
  const inner = v instanceof MergeTag ? v.value : v;
  return isRawMap(inner) ? inner : undefined;
}

/** Deep copy that keeps merge tags (as new tag objects). */
export function cloneRaw(v: RawValue): RawValue {
  if (v instanceof MergeTag) return new MergeTag(v.tag, cloneRaw(v.value));
  if (Array.isArray(v)) return v.map(cloneRaw);
  if (isRawMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) setKey(out, k, cloneRaw(v[k] as RawValue));
    return out;
  }
  return v;
}

/** Structural equality of raw values (key order does not matter; tags must match). */
export function rawEqual(a: RawValue, b: RawValue): boolean {
  if (a === b) return true;
  if (a instanceof MergeTag || b instanceof MergeTag) {
    return a instanceof MergeTag && b instanceof MergeTag && a.tag === b.tag && rawEqual(a.value, b.value);
  }
  if (Array.isArray(a) || Array.isArray(b)) {
    return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((x, i) => rawEqual(x, b[i] as RawValue));
  }
  if (isRawMap(a) && isRawMap(b)) {
    const keys = Object.keys(a);
    return keys.length === Object.keys(b).length && keys.every((k) => hasKey(b, k) && rawEqual(a[k] as RawValue, b[k] as RawValue));
  }
  return false;
}

/** A canonical text for a value, used as a de-duplication key (`3000` and `"3000"` agree). */
export function canonicalKey(v: RawValue): string {
  if (v instanceof MergeTag) return canonicalKey(v.value);
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null) return 'null';
  if (Array.isArray(v)) return `[${v.map((x) => JSON.stringify(canonicalKey(x))).join(',')}]`;
  const keys = Object.keys(v).sort();
  return `{${keys.map((k) => `${JSON.stringify(k)}:${JSON.stringify(canonicalKey(v[k] as RawValue))}`).join(',')}}`;
}
