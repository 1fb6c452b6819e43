import { describe, expect, it } from 'vitest';
import { node, svc } from '../../reconcile/world.fixture.js';
import { ClusterLoad } from '../cluster-load.js';
import { placementRequest } from '../placement-request.js';
import { maxReplicasFilter } from './max-replicas.js';

const requestOf = (maxReplicasPerNode: number) =>
  placementRequest('app/web', svc('web', { deploy: { placement: { maxReplicasPerNode } } }));

describe('maxReplicasFilter', () => {
  it.each<[number, number, number, string | undefined]>([
    // [max, tasks of the service already on the node, tasks of another service, verdict]
    [0, 50, 0, undefined],
    [1, 0, 0, undefined],
    [1, 1, 0, 'full'],
    [2, 1, 5, undefined],
    [2, 2, 0, 'full'],
    [2, 0, 9, undefined],
  ])('max %i with %i of the service and %i others → %s', (max, own, others, verdict) => {
    const req = requestOf(max);
    const load = new ClusterLoad([node('n1')]);
    for (let i = 0; i < own; i++) load.add(0, 'app/web', req);
    for (let i = 0; i < others; i++) load.add(0, 'app/db', undefined);
    expect(maxReplicasFilter.reject(0, req, load.service('app/web'), load)).toBe(verdict);
  });

  it('describes the limit', () => {
    expect(maxReplicasFilter.describe('full', 3, requestOf(2))).toBe('3 nodes already run max_replicas_per_node (2)');
    expect(maxReplicasFilter.describe('full', 1, requestOf(1))).toBe('1 node already runs max_replicas_per_node (1)');
  });
});
