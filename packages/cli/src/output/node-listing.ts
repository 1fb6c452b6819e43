/** `berth nodes`: the cluster's nodes as table rows. Pure. */
import type { NodeView } from '../client/control-api.js';
import { formatBytes } from './byte-size.js';
import type { Column } from './table.js';

/** The table's columns; labels may be long, so they come last and are cut on a terminal. */
export const NODE_COLUMNS: readonly Column[] = [
  { header: 'ID', maxWidth: 12 },
  { header: 'NAME' },
  { header: 'ADDRESS' },
  { header: 'STATE' },
  { header: 'AVAILABILITY' },
  { header: 'TASKS' },
  { header: 'CPUS' },
  { header: 'MEMORY' },
  { header: 'LABELS' },
];

/** One row; labels as `k=v,k2=v2` sorted by key. */
export function nodeRow(node: NodeView): string[] {
  const labels = Object.entries(node.labels)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(',');
  return [
    // The table cuts long ids with `…`; an id is useful whole or as a clean prefix, so cut here.
    node.id.slice(0, 12),
    node.name,
    node.address,
    node.state,
    node.availability,
    String(node.tasks),
    String(Math.round(node.cpus * 100) / 100),
    formatBytes(node.memoryBytes),
    labels,
  ];
}
