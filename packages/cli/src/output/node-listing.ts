/** `berth nodes`: the cluster's nodes as table rows. Pure. */
import type { NodeView } from '../client/control-api.js';
import { formatBytes } from './byte-size.js';
import type { Column } from './table.js';

/**
 * The table's columns. Labels can be long and sit in the middle, so they have a width of their
 * own; an id is useful whole or as a clean prefix, so the row cuts it rather than the table.
 */
export const NODE_COLUMNS: readonly Column[] = [
  { header: 'ID', maxWidth: 12 },
  { header: 'NAME' },
  { header: 'ADDRESS' },
  { header: 'STATE' },
  { header: 'AVAILABILITY' },
  { header: 'LABELS', maxWidth: 40 },
  { header: 'TASKS' },
  { header: 'CPU RESERVED' },
  { header: 'MEMORY RESERVED' },
];

/** Length of the id prefix the table shows; node arguments accept such a prefix. */
export const SHORT_NODE_ID = 12;

/** Labels as `k=v,k2=v2` sorted by key; a label with an empty value shows as its key. */
export function labelsText(labels: Readonly<Record<string, string>>): string {
  return Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => (v === '' ? k : `${k}=${v}`))
    .join(',');
}

/** One row: tasks as running/placed, reservations as `reserved of capacity`. */
export function nodeRow(node: NodeView): string[] {
  return [
    node.id.slice(0, SHORT_NODE_ID),
    node.name,
    node.address,
    node.state,
    node.availability,
    labelsText(node.labels),
    `${node.running}/${node.tasks}`,
    `${cpuText(node.reservedCpus)} of ${cpuText(node.cpus)}`,
    `${formatBytes(node.reservedMemoryBytes)} of ${formatBytes(node.memoryBytes)}`,
  ];
}

// Reservations are fractions of a core (0.25); two decimals are as precise as Compose files get.
function cpuText(cpus: number): string {
  return Number.isFinite(cpus) && cpus >= 0 ? String(Math.round(cpus * 100) / 100) : '?';
}
