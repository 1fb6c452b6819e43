/**
 * One input of a merge, and the ways Compose lets an attribute be written in two shapes
 * (a `KEY=VALUE` list or a mapping, a name list or a mapping, a string or a list). When both
 * inputs have such an attribute they are brought to one shape first; every entry keeps the
 * model path it was read from, so its file position can follow it to its new path.
 */
import type { ModelPath } from '../diagnostics.js';
import { MergeTag, isRawMap, type RawValue } from '../raw-model.js';
import { canonicalKey } from './raw-access.js';
import type { SourceTree } from './source-tree.js';

/** A value being merged, with the source tree and path its positions are found at. */
export interface Side {
  value: RawValue;
  tree: SourceTree;
  path: ModelPath;
}

/** One keyed entry of a side brought to mapping shape. */
export interface Entry {
  key: string;
  side: Side;
}

function at(side: Side, value: RawValue, path: ModelPath): Side {
  return { value, tree: side.tree, path };
}

/** The entries of a mapping, in file order; undefined when the side is not a mapping. */
export function mapEntries(side: Side): Entry[] | undefined {
  const v = side.value;
  if (!isRawMap(v)) return undefined;
  return Object.keys(v).map((key) => ({ key, side: at(side, v[key] as RawValue, [...side.path, key]) }));
}

/** The items of a list (a lone scalar counts as a one-item list when `scalarIsList`). */
export function listItems(side: Side, scalarIsList: boolean): Side[] | undefined {
  const v = side.value;
  if (Array.isArray(v)) return v.map((item, i) => at(side, item, [...side.path, i]));
  if (scalarIsList && (typeof v === 'string' || typeof v === 'number')) return [side];
  return undefined;
}

function itemText(item: RawValue): string | undefined {
  const v = item instanceof MergeTag ? item.value : item;
  if (v === null || typeof v === 'object') return undefined;
  return canonicalKey(v);
}

/** `KEY=VALUE` list or mapping as entries; a bare `KEY` gets `bare`. */
export function keyValueEntries(side: Side, bare: RawValue): Entry[] | undefined {
  const v = side.value;
  if (!Array.isArray(v)) return mapEntries(side);
  const out: Entry[] = [];
  v.forEach((item, i) => {
    const text = itemText(item);
    if (text === undefined) return;
    const eq = text.indexOf('=');
    const key = eq < 0 ? text : text.slice(0, eq);
    out.push({ key, side: at(side, eq < 0 ? bare : text.slice(eq + 1), [...side.path, i]) });
  });
  return out;
}

/** `extra_hosts` as host → address entries; a host listed twice keeps all its addresses. */
export function hostEntries(side: Side): Entry[] | undefined {
  const v = side.value;
  if (!Array.isArray(v)) return mapEntries(side);
  const byHost = new Map<string, { ips: string[]; path: ModelPath }>();
  v.forEach((item, i) => {
    const text = itemText(item);
    if (text === undefined) return;
    // `=` is the documented separator; `:` is the legacy one (the address may hold colons).
    const eq = text.indexOf('=');
    const cut = eq >= 0 ? eq : text.indexOf(':');
    if (cut < 0) return;
    const host = text.slice(0, cut);
    const seen = byHost.get(host);
    if (seen) seen.ips.push(text.slice(cut + 1));
    else byHost.set(host, { ips: [text.slice(cut + 1)], path: [...side.path, i] });
  });
  return [...byHost].map(([key, { ips, path }]) => ({ key, side: at(side, ips.length === 1 ? (ips[0] as string) : ips, path) }));
}

/** A name list or a name → settings mapping; a listed name gets `listEntry()`. */
export function nameEntries(side: Side, listEntry: () => RawValue): Entry[] | undefined {
  const v = side.value;
  if (!Array.isArray(v)) return mapEntries(side);
  const out: Entry[] = [];
  v.forEach((item, i) => {
    const name = itemText(item);
    if (name !== undefined) out.push({ key: name, side: at(side, listEntry(), [...side.path, i]) });
  });
  return out;
}

/** `build: ./dir` is `build: {context: ./dir}`. */
export function buildEntries(side: Side): Entry[] | undefined {
  const v = side.value;
  if (typeof v === 'string') return [{ key: 'context', side }];
  return mapEntries(side);
}
