import { describe, expect, it } from 'vitest';
import { node, svc } from '../../reconcile/world.fixture.js';
import { ClusterLoad } from '../cluster-load.js';
import { placementRequest } from '../placement-request.js';
import { binpackScorer } from './binpack.js';

const GiB = 1024 ** 3;
const reserving = (cpus: number, memoryBytes: number) =>
  placementRequest('app/other', svc('other', { deploy: { resources: { reservations: { cpus, memoryBytes }, limits: {} } } }));

/** The winning node index when node i already holds reservations[i] ([cpus, GiB]) of 4 cpu / 8 GiB. */
function winner(reservations: [number, number][]): number {
  const load = new ClusterLoad(reservations.map((_, i) => node(`n${i + 1}`, { cpus: 4, memoryBytes: 8 * GiB })));
  reservations.forEach(([cpus, gib], i) => {
    if (cpus > 0 || gib > 0) load.add(i, 'app/other', reserving(cpus, gib * GiB));
  });
  const web = load.service('app/web');
  const s = reservations.map((_, i) => binpackScorer.score(i, web, load));
  return s.indexOf(Math.min(...s));
}

describe('binpackScorer', () => {
  it.each<[string, [number, number][], number]>([
    ['nothing reserved anywhere: the first node', [[0, 0], [0, 0], [0, 0]], 0],
    ['most reserved cpu', [[1, 0], [3, 0], [2, 0]], 1],
    ['most reserved memory', [[0, 1], [0, 2], [0, 6]], 2],
    ['cpu and memory shares add up', [[2, 0], [1, 6]], 1],
  ])('%s', (_name, reservations, expected) => {
    expect(winner(reservations)).toBe(expected);
  });

  it('a node with no capacity counts as empty, not full', () => {
    const load = new ClusterLoad([node('n1', { cpus: 0, memoryBytes: 0 })]);
    expect(binpackScorer.score(0, load.service('app/web'), load)).toBeCloseTo(0);
  });
});
