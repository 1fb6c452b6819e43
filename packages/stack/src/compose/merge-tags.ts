/**
 * Dropping the `!reset` / `!override` markers once there is nothing left to merge.
 *
 * Compose says a `!reset` value "will be ignored and target attribute will be set with type's
 * default value or null". So `!reset []` and `!reset [x]` both yield `[]`, `!reset {}` yields
 * `{}`, and a scalar (`!reset null`) drops the key: an absent key is the model's default, and the
 * YAML reader hands tagged scalars over as strings (`!reset null` arrives as "null"), so a
 * scalar's value cannot be trusted anyway. `!override` always yields its value.
 */
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { newMap, setKey } from './raw-access.js';

/** The value with every merge tag resolved; undefined when a mapping key should be dropped. */
export function stripValue(v: RawValue): RawValue | undefined {
  if (v instanceof MergeTag) {
    if (v.tag === '!reset') return resetValue(v.value);
    return stripValue(v.value) ?? null;
  }
  if (Array.isArray(v)) return v.map((item) => stripValue(item) ?? null);
  if (isRawMap(v)) {
    const out = newMap();
    for (const k of Object.keys(v)) {
      const inner = stripValue(v[k] as RawValue);
      if (inner !== undefined) setKey(out, k, inner);
    }
    return out;
  }
  return v;
}

/** What `!reset` leaves: an empty list or mapping, or no key at all for a scalar. */
export function resetValue(written: RawValue): RawValue | undefined {
  if (Array.isArray(written)) return [];
  return isRawMap(written) ? newMap() : undefined;
}

/**
 * A copy of a single file's model with its merge tags resolved, for a file that is never
 * merged: there is nothing to reset, so `!reset` leaves the empty value of its type (or no
 * key), and `!override x` yields `x`.
 */
export function stripMergeTags(model: RawMap): RawMap {
  const out = stripValue(model);
  return isRawMap(out) ? out : newMap();
}
