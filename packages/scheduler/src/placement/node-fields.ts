/**
 * The node fields placement constraints and spread preferences name: `node.id`,
 * `node.hostname`, `node.role`, `node.labels.<key>` and `engine.labels.<key>`.
 */
import type { NodeInfo } from '@berth/api';

const NODE_LABEL = 'node.labels.';
// berth has no separate engine labels: the agent reports one label set per node, so
// `engine.labels.<key>` (kept for Swarm files) reads the node's labels too.
const ENGINE_LABEL = 'engine.labels.';

/** The label key a field names (`node.labels.zone` → `zone`), or undefined for other fields. */
export function labelKey(field: string): string | undefined {
  if (field.startsWith(NODE_LABEL)) return field.slice(NODE_LABEL.length);
  if (field.startsWith(ENGINE_LABEL)) return field.slice(ENGINE_LABEL.length);
  return undefined;
}

/**
 * A node's value for `field`; undefined when the node has no such label, or for fields berth
 * does not know about nodes (`node.platform.*`: agents do not report a platform yet).
 */
export function nodeFieldValue(node: NodeInfo, field: string): string | undefined {
  switch (field) {
    case 'node.id':
      return node.id;
    case 'node.hostname':
      return node.name;
    case 'node.role':
      return node.role;
  }
  const key = labelKey(field);
  return key !== undefined && Object.hasOwn(node.labels, key) ? node.labels[key] : undefined;
}
