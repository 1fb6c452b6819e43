import { describe, expect, it } from 'vitest';
import type { NodeInfo } from '@berth/api';
import { node, svc } from '../../reconcile/world.fixture.js';
import { placementRequest } from '../placement-request.js';
import { nodeReadyFilter } from './node-ready.js';

const req = placementRequest('app/web', svc('web'));

describe('nodeReadyFilter', () => {
  it.each<[string, Partial<NodeInfo>, string | undefined]>([
    ['ready and active', {}, undefined],
    ['down', { state: 'down' }, 'down'],
    ['down and drained (down wins)', { state: 'down', availability: 'drain' }, 'down'],
    ['paused', { availability: 'pause' }, 'paused'],
    ['drained', { availability: 'drain' }, 'drained'],
  ])('%s → %s', (_name, over, cause) => {
    expect(nodeReadyFilter.reject(node('n1', over), req)).toBe(cause);
  });

  it.each([
    ['down', 1, '1 node down'],
    ['paused', 2, '2 nodes paused'],
    ['drained', 3, '3 nodes drained'],
  ])('describes %s on %i node(s)', (cause, n, text) => {
    expect(nodeReadyFilter.describe(cause, n, req)).toBe(text);
  });
});
