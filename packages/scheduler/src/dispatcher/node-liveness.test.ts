import { describe, expect, it } from 'vitest';
import { expiredLeases, nextLeaseExpiry, silenceCountsFrom, silentNodes, type NodeLiveness } from './node-liveness.js';

const GRACE = 3_000;
const LEASE = 4_000; // the grace plus a 1 s fence margin

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

describe('expiredLeases', () => {
  it.each<[string, NodeLiveness['state'], number, number, number, number | undefined]>([
    // name, state, last heartbeat, watching since, now, silence when expired
    ['down, silent exactly grace + margin', 'down', 10_000, 0, 14_000, undefined],
    ['down, silent one ms longer', 'down', 10_000, 0, 14_001, 4_001],
    ['down long ago', 'down', 10_000, 0, 60_000, 50_000],
    ['ready (not down yet) however long silent', 'ready', 10_000, 0, 60_000, undefined],
    ['down before a scheduler restart: silence counts from the restart', 'down', 1_000, 50_000, 53_500, undefined],
    ['down before a scheduler restart, lease since run out', 'down', 1_000, 50_000, 54_001, 4_001],
  ])('%s', (_name, state, lastHeartbeatAt, watchingSince, now, silentMs) => {
    const nodes = [{ id: 'n1', state, lastHeartbeatAt }];
    expect(expiredLeases(nodes, now, LEASE, watchingSince)).toEqual(silentMs === undefined ? [] : [{ id: 'n1', silentMs }]);
  });
});

describe('nextLeaseExpiry', () => {
  const nodes: NodeLiveness[] = [
    { id: 'ready', state: 'ready', lastHeartbeatAt: 0 },
    { id: 'expired', state: 'down', lastHeartbeatAt: 1_000 },
    { id: 'later', state: 'down', lastHeartbeatAt: 9_000 },
    { id: 'sooner', state: 'down', lastHeartbeatAt: 8_000 },
  ];

  it('is the first instant expiredLeases lists the down node whose lease runs out next', () => {
    const at = nextLeaseExpiry(nodes, 10_000, LEASE, 0);
    expect(at).toBe(12_001);
    expect(expiredLeases(nodes, at! - 1, LEASE, 0).map((e) => e.id)).toEqual(['expired']);
    expect(expiredLeases(nodes, at!, LEASE, 0).map((e) => e.id)).toEqual(['expired', 'sooner']);
  });

  it('is undefined when no down node has a lease still running', () => {
    expect(nextLeaseExpiry(nodes, 20_000, LEASE, 0)).toBeUndefined();
    expect(nextLeaseExpiry([{ id: 'ready', state: 'ready', lastHeartbeatAt: 9_000 }], 10_000, LEASE, 0)).toBeUndefined();
  });
});
