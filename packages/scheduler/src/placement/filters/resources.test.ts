import { describe, expect, it } from 'vitest';
import type { ResourceAmounts } from '@berth/api';
import { node, svc } from '../../reconcile/world.fixture.js';
import { ClusterLoad } from '../cluster-load.js';
import { placementRequest } from '../placement-request.js';
import { formatBytes, resourcesFilter } from './resources.js';

const GiB = 1024 ** 3;
const requestOf = (reservations: ResourceAmounts, limits: ResourceAmounts = {}) =>
  placementRequest('app/web', svc('web', { deploy: { resources: { reservations, limits } } }));

describe('resourcesFilter', () => {
  it.each<[string, ResourceAmounts, ResourceAmounts, number, string | undefined]>([
    // [name, already reserved per task, this task's reservation, tasks already there, verdict] on a 2 cpu / 4 GiB node
    ['nothing reserved', {}, {}, 10, undefined],
    ['fits exactly on cpu', { cpus: 0.5 }, { cpus: 0.5 }, 3, undefined],
    ['one over on cpu', { cpus: 0.5 }, { cpus: 0.5 }, 4, 'cpu'],
    ['0.1 steps add up exactly', { cpus: 0.1 }, { cpus: 0.1 }, 19, undefined],
    ['fits exactly on memory', { memoryBytes: GiB }, { memoryBytes: GiB }, 3, undefined],
    ['over on memory', { memoryBytes: GiB }, { memoryBytes: 1.5 * GiB }, 3, 'memory'],
    ['cpu checked before memory', { cpus: 2, memoryBytes: 4 * GiB }, { cpus: 1, memoryBytes: GiB }, 1, 'cpu'],
    ['a task bigger than the node', {}, { cpus: 3 }, 0, 'cpu'],
  ])('%s → %s', (_name, each, mine, already, verdict) => {
    const load = new ClusterLoad([node('n1', { cpus: 2, memoryBytes: 4 * GiB })]);
    const other = requestOf(each);
    for (let i = 0; i < already; i++) load.add(0, 'app/other', other);
    const req = requestOf(mine);
    expect(resourcesFilter.reject(0, req, load.service('app/web'), load)).toBe(verdict);
  });

  it('ignores limits: only reservations hold capacity', () => {
    const load = new ClusterLoad([node('n1', { cpus: 1, memoryBytes: GiB })]);
    const req = requestOf({}, { cpus: 4, memoryBytes: 8 * GiB });
    load.add(0, 'app/web', req);
    expect(resourcesFilter.reject(0, req, load.service('app/web'), load)).toBeUndefined();
  });

  it('describes what the task needs', () => {
    expect(resourcesFilter.describe('cpu', 2, requestOf({ cpus: 0.5 }))).toBe('not enough free cpu on 2 nodes (needs 0.5 cpus)');
    expect(resourcesFilter.describe('memory', 1, requestOf({ memoryBytes: 512 * 1024 ** 2 }))).toBe(
      'not enough free memory on 1 node (needs 512 MiB)',
    );
  });

  it.each([
    [300, '300 bytes'],
    [512 * 1024 ** 2, '512 MiB'],
    [1.5 * GiB, '1.5 GiB'],
  ])('formatBytes(%i) = %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
