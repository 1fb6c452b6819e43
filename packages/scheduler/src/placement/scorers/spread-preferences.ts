/**
 * `placement.preferences` spread: tasks of a service are balanced over the values of the first
 * field (`node.labels.zone`), then over the second within each value, and so on; the scorer
 * decides only among nodes that tie on every level. Nodes without the field form one group of
 * their own, as in Swarm.
 */
import type { NodeInfo } from '@berth/api';
import { nodeFieldValue } from '../node-fields.js';

/** One level of the spread tree: each node's group and each group's task count. */
export interface SpreadLevel {
  groupOf: Int32Array;
  counts: Int32Array;
}

/** A service's spread tree, one level per preference field. */
export interface SpreadGroups {
  levels: SpreadLevel[];
}

// A value no label can have: nodes lacking the field share one group distinct from every value.
const MISSING = '\u0000missing';

/** Groups the nodes by the values of `fields` and counts the service's tasks (`perNode`) per group. */
export function spreadGroups(nodes: readonly NodeInfo[], fields: readonly string[], perNode: Int32Array): SpreadGroups {
  const paths: string[] = nodes.map(() => '');
  const levels: SpreadLevel[] = [];
  for (const field of fields) {
    const ids = new Map<string, number>();
    const groupOf = new Int32Array(nodes.length);
    nodes.forEach((node, i) => {
      // A group is the path of values from the top level down, so equal values under
      // different parents stay apart.
      const path = `${paths[i] ?? ''}\u0001${nodeFieldValue(node, field) ?? MISSING}`;
      paths[i] = path;
      let id = ids.get(path);
      if (id === undefined) ids.set(path, (id = ids.size));
      groupOf[i] = id;
    });
    const counts = new Int32Array(ids.size);
    for (let i = 0; i < nodes.length; i++) counts[groupOf[i]!]! += perNode[i]!;
    levels.push({ groupOf, counts });
  }
  return { levels };
}

/** Adds `by` tasks on `node` to every level's group counts. */
export function countInGroups(groups: SpreadGroups, node: number, by: number): void {
  for (const level of groups.levels) level.counts[level.groupOf[node]!]! += by;
}

/** Negative when `a` is in emptier groups than `b` (top level first), 0 when they tie. */
export function compareGroups(groups: SpreadGroups, a: number, b: number): number {
  for (const { groupOf, counts } of groups.levels) {
    const d = counts[groupOf[a]!]! - counts[groupOf[b]!]!;
    if (d !== 0) return d;
  }
  return 0;
}
