import { describe, expect, it } from 'vitest';
import { node } from '../../reconcile/world.fixture.js';
import { compareGroups, countInGroups, spreadGroups } from './spread-preferences.js';

const nodes = [
  node('n1', { labels: { zone: 'a', rack: '1' } }),
  node('n2', { labels: { zone: 'a', rack: '2' } }),
  node('n3', { labels: { zone: 'b', rack: '1' } }),
  node('n4', { labels: {} }),
  node('n5', { labels: { rack: '1' } }),
];

describe('spreadGroups', () => {
  it('groups nodes by value; nodes without the label share one group', () => {
    const g = spreadGroups(nodes, ['node.labels.zone'], new Int32Array(nodes.length));
    const [zone] = g.levels;
    expect([...zone!.groupOf]).toEqual([0, 0, 1, 2, 2]);
  });

  it('a lower level groups within its parent: rack 1 of zone a is not rack 1 of zone b', () => {
    const g = spreadGroups(nodes, ['node.labels.zone', 'node.labels.rack'], new Int32Array(nodes.length));
    const rack = g.levels[1]!;
    expect(rack.groupOf[0]).not.toBe(rack.groupOf[2]);
    expect(rack.groupOf[0]).not.toBe(rack.groupOf[1]);
    // n4 (no labels) and n5 (rack only) differ at the rack level under the same "no zone" group.
    expect(rack.groupOf[3]).not.toBe(rack.groupOf[4]);
  });

  it('counts existing tasks per group and keeps counting', () => {
    const g = spreadGroups(nodes, ['node.labels.zone'], Int32Array.from([2, 1, 0, 0, 4]));
    expect([...g.levels[0]!.counts]).toEqual([3, 0, 4]);
    countInGroups(g, 2, 1);
    expect([...g.levels[0]!.counts]).toEqual([3, 1, 4]);
  });

  it.each<[string, number[], number, number, 'a' | 'b' | 'tie']>([
    ['the emptier zone wins', [1, 0, 0, 0, 0], 0, 2, 'b'],
    ['same zone, emptier rack wins', [1, 0, 0, 0, 0], 0, 1, 'b'],
    ['zone decides before rack', [0, 3, 1, 0, 0], 0, 2, 'b'],
    ['same group ties', [0, 0, 0, 0, 0], 0, 0, 'tie'],
  ])('%s', (_name, perNode, a, b, expected) => {
    const g = spreadGroups(nodes, ['node.labels.zone', 'node.labels.rack'], Int32Array.from(perNode));
    const c = compareGroups(g, a, b);
    expect(c < 0 ? 'a' : c > 0 ? 'b' : 'tie').toBe(expected);
  });
});
