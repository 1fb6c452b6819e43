/**
 * Warnings for Compose keys berth accepts but does not act on (the `ignored` rows of
 * support.ts), for ignored values of supported keys, and for the obsolete `version`.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import { isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { isIgnoredValue, keyPathSegments, STACK_FILE_KEYS, type KeySupport } from './support.js';

/** A node of the table as a tree: children by key, `*` for names, `[]` for list items. */
interface KeyNode {
  entry?: KeySupport;
  children: Map<string, KeyNode>;
}

function buildTree(rows: readonly KeySupport[]): KeyNode {
  const root: KeyNode = { children: new Map() };
  for (const row of rows) {
    let node = root;
    for (const seg of keyPathSegments(row.path)) {
      let next = node.children.get(seg);
      if (!next) {
        next = { children: new Map() };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.entry = row;
  }
  return root;
}

let tree: KeyNode | undefined;

/** The message for an ignored key. */
export const IGNORED_KEY_MESSAGE = 'ignored: berth does not act on this key yet';

/** The message for the obsolete top-level `version`. */
export const OBSOLETE_VERSION_MESSAGE = 'the attribute "version" is obsolete, it will be ignored';

function visit(value: RawValue, node: KeyNode, path: (string | number)[], diag: Diagnostics): void {
  if (Array.isArray(value)) {
    const items = node.children.get('[]');
    if (items) value.forEach((item, i) => visit(item, items, [...path, i], diag));
    return;
  }
  if (!isRawMap(value)) return;
  for (const [key, child] of Object.entries(value)) {
    // Under a name map (`*`) every key is a name, `x-web` too; elsewhere unlisted keys
    // (extensions, or unknown keys the schema reports) have no row and are skipped.
    const next = node.children.get(key) ?? node.children.get('*');
    if (!next) continue;
    const here = [...path, key];
    const entry = next.entry;
    if (entry?.status === 'ignored') {
      diag.warn(here, IGNORED_KEY_MESSAGE, true);
      continue;
    }
    if (entry?.status === 'obsolete') {
      diag.warn(here, key === 'version' ? OBSOLETE_VERSION_MESSAGE : IGNORED_KEY_MESSAGE, true);
      continue;
    }
    if (entry && typeof child === 'string' && isIgnoredValue(entry, child)) {
      diag.warn(here, `ignored: berth does not act on ${key} "${child}" yet`);
    }
    visit(child, next, here, diag);
  }
}

/** Warns once for each ignored key or value present in `model`, and for `version`. */
export function reportIgnoredKeys(model: RawMap, diag: Diagnostics): void {
  tree ??= buildTree(STACK_FILE_KEYS);
  visit(model, tree, [], diag);
}
