import { describe, expect, it } from 'vitest';
import type { TaskRef } from '../runtime.js';
import { containerName, serviceImage, taskLabels, taskRefFromLabels } from './engine-names.js';

const ref: TaskRef = { taskId: 't-1', stack: 'shop', service: 'web', slot: 1, nodeId: 'n1' };

describe('containerName', () => {
  it.each<[string, Partial<TaskRef>, string]>([
    ['a short id as it is', {}, 'shop-web-1-t1'],
    ['a UUID by its random tail', { taskId: '0190f3a2-7c1e-7d2b-9a4f-1b2c3d4e5f60' }, 'shop-web-1-1b2c3d4e5f60'],
    ['a global task has slot 0', { slot: 0 }, 'shop-web-0-t1'],
    ['characters the engine refuses become _', { service: 'we b+x' }, 'shop-we_b_x-1-t1'],
    ['a leading non-alphanumeric gets a prefix', { stack: '_x' }, 'b_x-web-1-t1'],
    ['an id with no letters or digits', { taskId: '--' }, 'shop-web-1-task'],
  ])('%s', (_, change, expected) => {
    expect(containerName({ ...ref, ...change })).toBe(expected);
  });

  it('differs for ids sharing a long prefix', () => {
    const a = containerName({ ...ref, taskId: '01J0000000000000000000000A' });
    const b = containerName({ ...ref, taskId: '01J0000000000000000000000B' });
    expect(a).not.toBe(b);
  });
});

describe('task labels', () => {
  it('round-trip to the same ref', () => {
    expect(taskRefFromLabels(taskLabels(ref))).toEqual(ref);
  });

  it.each<[string, Record<string, string>]>([
    ['a missing key', { 'io.berth.stack': 'shop' }],
    ['a bad slot', { ...taskLabels(ref), 'io.berth.slot': 'x' }],
    ['a negative slot', { ...taskLabels(ref), 'io.berth.slot': '-1' }],
  ])('are not a ref with %s', (_, labels) => {
    expect(taskRefFromLabels(labels)).toBeUndefined();
  });
});

describe('serviceImage', () => {
  it.each<[string | undefined, string]>([
    ['nginx:1', 'nginx:1'],
    [undefined, 'shop-web'],
  ])('%s → %s (a built image name is lower case, as the engine requires)', (image, expected) => {
    expect(serviceImage('shop', 'Web', image)).toBe(expected);
  });
});
