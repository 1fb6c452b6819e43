/** Renders the key-support table as Markdown for the README's stack-file reference. */
import { STACK_FILE_KEYS, type KeySupport } from './support.js';

/** One Markdown table: per parent key, the keys berth acts on and those it only accepts. */
export function renderSupportTable(rows: readonly KeySupport[] = STACK_FILE_KEYS): string {
  const groups = new Map<string, { supported: string[]; ignored: string[] }>();
  for (const row of rows) {
    const cut = lastSeparator(row.path);
    const parent = cut < 0 ? '(top level)' : row.path.slice(0, cut);
    const key = cut < 0 ? row.path : row.path.slice(cut + 1);
    const group = groups.get(parent) ?? { supported: [], ignored: [] };
    groups.set(parent, group);
    const label = row.ignoredValues?.length ? `${key} (ignored values: ${row.ignoredValues.join(', ')})` : key;
    (row.status === 'supported' ? group.supported : group.ignored).push(
      row.status === 'obsolete' ? `${label} (obsolete)` : label,
    );
  }
  const lines = ['| under | supported (berth acts on it) | accepted with an `ignored` warning |', '|---|---|---|'];
  for (const [parent, g] of groups) {
    const cell = (keys: string[]): string => (keys.length === 0 ? '—' : keys.map((k) => `\`${k}\``).join(', '));
    lines.push(`| \`${parent}\` | ${cell(g.supported)} | ${cell(g.ignored)} |`);
  }
  return lines.join('\n').replace(/`([^`]*) \(([^`]*)\)`/g, '`$1` ($2)');
}

function lastSeparator(path: string): number {
  // `[]` belongs to its key (`include[].path` → parent `include[]`).
  return path.lastIndexOf('.');
}
