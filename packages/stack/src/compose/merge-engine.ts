/**
 * The merge itself: combines a base and an override value by the rule for their model path and
 * records, for every node of the result, the file position it came from.
 */
import type { ModelPath } from '../diagnostics.js';
import { MergeTag, isRawMap, type RawValue } from '../raw-model.js';
import type { SourceMap } from '../source-map.js';
import { ruleFor } from './merge-rules.js';
import {
  buildEntries,
  hostEntries,
  keyValueEntries,
  listItems,
  mapEntries,
  nameEntries,
  type Entry,
  type Side,
} from './merge-side.js';
import type { EntryKey } from './merge-keys.js';
import { resetValue, stripValue } from './merge-tags.js';
import { newMap, setKey, valueAt, rawEqual } from './raw-access.js';

function isCollection(v: RawValue): boolean {
  return Array.isArray(v) || isRawMap(v);
}

interface Slot {
  base?: Side;
  over?: Side;
}

/** One merge writing positions into `out`. */
export class MergeRun {
  constructor(private readonly out: SourceMap) {}

  /**
   * Merges `over` onto `base` (either may be absent) into the node at `at`; `rule` is the path
   * of mapping keys used to pick the merge rule. Undefined means "no key" (`!reset null`).
   */
  merge(base: Side | undefined, over: Side | undefined, at: ModelPath, rule: readonly string[]): RawValue | undefined {
    if (!over) return base ? this.take(base, at) : undefined;
    // A tagged override never merges: `!override` replaces, `!reset` drops what was inherited.
    if (!base || over.value instanceof MergeTag) return this.take(over, at);
    if (base.value instanceof MergeTag) {
      // A tag in the base file already did its work there; what it left is the base value.
      const left = base.value.tag === '!reset' ? resetValue(base.value.value) : base.value.value;
      if (left === undefined) return this.take(over, at);
      base = { ...base, value: left };
    }
    // A null list or mapping means "nothing here" rather than "clear it" (that is `!reset`).
    if (over.value === null && isCollection(base.value)) return this.take(base, at);
    if (base.value === null && isCollection(over.value)) return this.take(over, at);
    // Compose replaces extension fields as a whole: their shape is the user's own.
    if (rule[rule.length - 1]?.startsWith('x-')) return this.take(over, at);

    const r = ruleFor(rule);
    switch (r?.kind) {
      case 'replace':
        return this.take(over, at);
      case 'keyValues':
        return this.entries(keyValueEntries(base, r.bare), keyValueEntries(over, r.bare), base, over, at, rule, false);
      case 'hosts':
        return this.entries(hostEntries(base), hostEntries(over), base, over, at, rule, false);
      case 'namedMap':
        return this.entries(nameEntries(base, r.listEntry), nameEntries(over, r.listEntry), base, over, at, rule, true);
      case 'build':
        return this.entries(buildEntries(base), buildEntries(over), base, over, at, rule, true);
      case 'uniqueList':
        return this.uniqueList(base, over, at, rule, r.key, r.scalarIsList);
      case 'logging':
        if (driversDiffer(base.value, over.value)) return this.take(over, at);
        break;
      default:
        break;
    }
    if (isRawMap(base.value) && isRawMap(over.value)) {
      return this.entries(mapEntries(base), mapEntries(over), base, over, at, rule, true);
    }
    if (Array.isArray(base.value) && Array.isArray(over.value)) return this.append(base, over, at);
    return this.take(over, at);
  }

  /** The value of one side as is (tags resolved), with its positions moved to `at`. */
  take(side: Side, at: ModelPath): RawValue | undefined {
    const value = stripValue(side.value);
    if (value !== undefined) side.tree.copyInto(this.out, side.path, at);
    return value;
  }

  /** Merges two sides brought to mapping shape; `deep` merges entry values, else the later one wins. */
  private entries(
    baseEntries: Entry[] | undefined,
    overEntries: Entry[] | undefined,
    base: Side,
    over: Side,
    at: ModelPath,
    rule: readonly string[],
    deep: boolean,
  ): RawValue | undefined {
    if (!baseEntries || !overEntries) return this.take(over, at);
    const slots = new Map<string, Slot>();
    for (const e of baseEntries) slots.set(e.key, { base: e.side });
    for (const e of overEntries) {
      const slot = slots.get(e.key);
      if (slot) slot.over = e.side;
      else slots.set(e.key, { over: e.side });
    }
    this.node(base, over, at);
    const out = newMap();
    for (const [key, slot] of slots) {
      const path = [...at, key];
      const value = deep ? this.merge(slot.base, slot.over, path, [...rule, key]) : this.take((slot.over ?? slot.base) as Side, path);
      if (value !== undefined) setKey(out, key, value);
    }
    return out;
  }

  /** Entries with the same key as an earlier one replace it in place (two mappings merge). */
  private uniqueList(base: Side, over: Side, at: ModelPath, rule: readonly string[], key: EntryKey, scalarIsList: boolean): RawValue | undefined {
    const baseItems = listItems(base, scalarIsList);
    const overItems = listItems(over, scalarIsList);
    if (!baseItems || !overItems) return this.take(over, at);
    const slots: Slot[] = [];
    const byKey = new Map<string, Slot>();
    const add = (items: Side[], which: keyof Slot): void => {
      for (const item of items) {
        const k = key(item.value);
        const known = k === undefined ? undefined : byKey.get(k);
        if (known) {
          known[which] = item;
          continue;
        }
        const slot: Slot = which === 'base' ? { base: item } : { over: item };
        slots.push(slot);
        if (k !== undefined) byKey.set(k, slot);
      }
    };
    add(baseItems, 'base');
    add(overItems, 'over');
    this.node(base, over, at);
    const out: RawValue[] = [];
    for (const slot of slots) {
      const value = this.merge(slot.base, slot.over, [...at, out.length], [...rule, '[]']);
      if (value !== undefined) out.push(value);
    }
    return out;
  }

  private append(base: Side, over: Side, at: ModelPath): RawValue {
    this.node(base, over, at);
    const out: RawValue[] = [];
    for (const side of [base, over]) {
      for (const item of listItems(side, false) ?? []) {
        const value = this.take(item, [...at, out.length]);
        if (value !== undefined) out.push(value);
      }
    }
    return out;
  }

  /** Position of a node both sides contribute to: the override's, except at the root. */
  private node(base: Side, over: Side, at: ModelPath): void {
    const b = base.tree.get(base.path);
    const o = over.tree.get(over.path);
    const pos = at.length === 0 ? (b ?? o) : (o ?? b);
    if (pos) this.out.set(at, pos);
  }
}

function driversDiffer(base: RawValue, over: RawValue): boolean {
  if (!isRawMap(base) || !isRawMap(over)) return false;
  const a = valueAt(base, 'driver');
  const b = valueAt(over, 'driver');
  return a !== undefined && b !== undefined && !rawEqual(stripValue(a) ?? null, stripValue(b) ?? null);
}
