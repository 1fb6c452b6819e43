/**
 * The operator's node commands as pure decisions over the store's reads: which node a `NODE`
 * argument means, what an update changes, and whether a node may be removed. The Control API
 * runs them inside a store transaction and writes the result.
 *
 * `NODE` is, in this order of precedence: a node's full id; a node's name; a unique prefix of
 * a node's id. Two nodes with the asked-for name (or prefix) are ambiguous: the error lists
 * them so the operator can repeat the command with an id.
 */
import { BerthError, type NodeAvailability, type NodeInfo } from '@berth/api';
import type { StateStoreReads } from '../store/state-store.js';
import type { NodePatch, NodeRecord } from '../store/store-records.js';
import { isLive } from './store-views.js';

/** How a node appears in messages: `name (id)`. */
function describeNode(node: NodeInfo): string {
  return `${node.name} (${node.id})`;
}

function ambiguous(text: string, how: string, matches: readonly NodeRecord[]): BerthError {
  const listed = [...matches].sort((a, b) => (a.id < b.id ? -1 : 1)).map(describeNode);
  return new BerthError('USAGE', `${JSON.stringify(text)} ${how} ${matches.length} nodes: ${listed.join(', ')}; name one by its id`, {
    context: { node: text, candidates: listed },
  });
}

/** The node `text` names (see the module comment); USAGE when empty or ambiguous, NOT_FOUND when none. */
export function resolveNode(store: StateStoreReads, text: string): NodeRecord {
  const wanted = text.trim();
  if (wanted === '') throw new BerthError('USAGE', 'name a node: its id, a unique id prefix, or its name');
  const byId = store.node(wanted);
  if (byId !== undefined) return byId;
  const nodes = store.nodes();
  const named = nodes.filter((n) => n.name === wanted);
  if (named.length === 1) return named[0]!;
  if (named.length > 1) throw ambiguous(wanted, 'is the name of', named);
  const prefixed = nodes.filter((n) => n.id.startsWith(wanted));
  if (prefixed.length === 1) return prefixed[0]!;
  if (prefixed.length > 1) throw ambiguous(wanted, 'is an id prefix of', prefixed);
  throw new BerthError('NOT_FOUND', `no node ${JSON.stringify(wanted)} (\`berth nodes\` lists them)`, { context: { node: wanted } });
}

/** How to name `node` in a command the operator can paste: its name when no other node has it, else its id. */
export function nodeArgument(store: StateStoreReads, node: NodeInfo): string {
  const clash = node.name === '' || store.nodes().some((n) => n.id !== node.id && (n.name === node.name || n.id === node.name));
  return clash ? node.id : node.name;
}

/** What an update asks for, in domain terms. */
export interface NodeChanges {
  labelsAdd: Readonly<Record<string, string>>;
  labelsRemove: readonly string[];
  availability?: NodeAvailability;
}

function checkLabelKey(key: string): void {
  if (key === '') throw new BerthError('USAGE', 'a node label key cannot be empty');
  if (key.includes('=')) throw new BerthError('USAGE', `a node label key cannot contain "=" (got ${JSON.stringify(key)})`, { context: { key } });
}

/**
 * The patch that applies `changes` to `node` (labels removed, then added; availability), or
 * undefined when the node already is that way. USAGE for an empty request, a bad label key, or
 * a key both added and removed.
 */
export function nodeUpdatePatch(node: NodeInfo, changes: NodeChanges): NodePatch | undefined {
  const added = Object.keys(changes.labelsAdd);
  if (added.length === 0 && changes.labelsRemove.length === 0 && changes.availability === undefined) {
    throw new BerthError('USAGE', 'nothing to update: add or remove a label, or set the availability');
  }
  for (const key of [...added, ...changes.labelsRemove]) checkLabelKey(key);
  const both = added.filter((key) => changes.labelsRemove.includes(key));
  if (both.length > 0) {
    throw new BerthError('USAGE', `label ${JSON.stringify(both[0])} is both added and removed`, { context: { keys: both } });
  }
  const labels: Record<string, string> = { ...node.labels };
  for (const key of changes.labelsRemove) delete labels[key];
  Object.assign(labels, changes.labelsAdd);
  const patch: NodePatch = {};
  if (!sameLabels(labels, node.labels)) {
    patch.labels = labels;
    // Remembered so the agent's next registration (with its own --label values) keeps them.
    const overrides: Record<string, string | null> = { ...node.operatorLabels };
    for (const key of changes.labelsRemove) overrides[key] = null;
    Object.assign(overrides, changes.labelsAdd);
    patch.operatorLabels = overrides;
  }
  if (changes.availability !== undefined && changes.availability !== node.availability) patch.availability = changes.availability;
  return Object.keys(patch).length === 0 ? undefined : patch;
}

function sameLabels(a: Readonly<Record<string, string>>, b: Readonly<Record<string, string>>): boolean {
  const keys = Object.keys(a);
  return keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && b[k] === a[k]);
}

/**
 * The live tasks a removal of `node` moves, or CONFLICT when the node is ready and `force` is
 * not given: a ready node's agent is still running its tasks, so removing it first needs intent.
 */
export function checkNodeRemoval(store: StateStoreReads, node: NodeInfo, force: boolean): number {
  if (node.state === 'ready' && !force) {
    const arg = nodeArgument(store, node);
    throw new BerthError('CONFLICT', `node ${arg} is ready; drain it first (berth node update --availability drain ${arg}) or use --force`, {
      context: { node: node.id },
    });
  }
  return store.tasksOnNode(node.id).filter(isLive).length;
}
