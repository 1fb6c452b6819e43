/**
 * The raw Compose model: plain data as parsed from YAML (objects, arrays, strings, numbers,
 * booleans, null) plus the two Compose merge tags, kept as markers until merging is done.
 */

/** Plain JSON-like value from a stack file. */
export type RawValue = string | number | boolean | null | RawValue[] | RawMap | MergeTag;

/** A mapping from a stack file. */
export interface RawMap {
  [key: string]: RawValue;
}

/** `!reset` (drop the inherited value) or `!override` (replace instead of merging). */
export class MergeTag {
  constructor(
    readonly tag: '!reset' | '!override',
    readonly value: RawValue,
  ) {}
}

/** True for a plain mapping (not an array, tag or scalar). */
export function isRawMap(v: unknown): v is RawMap {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof MergeTag);
}
