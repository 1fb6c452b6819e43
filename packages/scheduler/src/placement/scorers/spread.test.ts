import { describe, expect, it } from 'vitest';
import { node } from '../../reconcile/world.fixture.js';
import { ClusterLoad } from '../cluster-load.js';
import { spreadScorer } from './spread.js';

/** Scores of each node for `app/web` given [web tasks, other tasks] per node; lower wins. */
function scores(perNode: [number, number][]): number[] {
  const load = new ClusterLoad(perNode.map((_, i) => node(`n${i + 1}`)));
  perNode.forEach(([own, others], i) => {
    for (let k = 0; k < own; k++) load.add(i, 'app/web', undefined);
    for (let k = 0; k < others; k++) load.add(i, 'app/db', undefined);
  });
  const web = load.service('app/web');
  return perNode.map((_, i) => spreadScorer.score(i, web, load));
}

const winner = (s: number[]): number => s.indexOf(Math.min(...s));

describe('spreadScorer', () => {
  it.each<[string, [number, number][], number]>([
    ['empty nodes tie; the first wins', [[0, 0], [0, 0]], 0],
    ['fewest tasks of the same service', [[2, 0], [1, 0], [3, 0]], 1],
    ['same-service count beats the overall count', [[1, 0], [0, 50]], 1],
    ['then fewest tasks overall', [[1, 5], [1, 2], [1, 9]], 1],
  ])('%s', (_name, perNode, expected) => {
    expect(winner(scores(perNode))).toBe(expected);
  });
});
