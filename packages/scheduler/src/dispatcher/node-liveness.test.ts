import { describe, expect, it } from 'vitest';
import { silenceCountsFrom, silentNodes, type NodeLiveness } from './node-liveness.js';

const GRACE = 3_000;

describe('silentNodes', () => {
  it.each<[string, NodeLiveness['state'], number, number, number, boolean]>([
    // name, state, last heartbeat, watching since, now, down?
    ['heard just now', 'ready', 10_000, 0, 10_000, false],
    ['silent exactly the grace', 'ready', 10_000, 0, 13_000, false],
    ['silent one ms longer than the grace', 'ready', 10_000, 0, 13_001, true],
    ['already down', 'down', 0, 0, 100_000, false],
    ['old heartbeat, dispatcher just started', 'ready', 1_000, 50_000, 52_000, false],
    ['old heartbeat, dispatcher started a grace ago', 'ready', 1_000, 50_000, 53_001, true],
    ['heartbeat newer than the start counts', 'ready', 51_000, 50_000, 53_500, false],
  ])('%s', (_name, state, lastHeartbeatAt, watchingSince, now, down) => {
    const nodes = [{ id: 'n1', state, lastHeartbeatAt }];
    expect(silentNodes(nodes, now, GRACE, watchingSince)).toEqual(down ? ['n1'] : []);
  });

  it('lists every silent node in input order', () => {
    const nodes: NodeLiveness[] = [
      { id: 'b', state: 'ready', lastHeartbeatAt: 0 },
      { id: 'a', state: 'ready', lastHeartbeatAt: 9_000 },
      { id: 'c', state: 'ready', lastHeartbeatAt: 1 },
    ];
    expect(silentNodes(nodes, 10_000, GRACE, 0)).toEqual(['b', 'c']);
  });
});

describe('silenceCountsFrom', () => {
  it.each<[string, number, number, number, number]>([
    // name, watching since, previous check, now, expected
    ['checks on time', 1_000, 5_000, 5_500, 1_000],
    ['one check late', 1_000, 5_000, 6_000, 1_000],
    ['more than two intervals late: the dispatcher stalled', 1_000, 5_000, 6_001, 6_001],
    ['clock went backwards', 9_000, 5_000, 4_000, 9_000],
  ])('%s', (_name, watchingSince, previousCheckAt, now, expected) => {
    expect(silenceCountsFrom(watchingSince, previousCheckAt, now, 500)).toBe(expected);
  });
});
