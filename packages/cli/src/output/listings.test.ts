import { describe, expect, it } from 'vitest';
import type { NodeView } from '../client/control-api.js';
import { formatBytes } from './byte-size.js';
import { nodeRow } from './node-listing.js';
import { stackRow } from './stack-listing.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [512 * 1024 ** 2, '512 MiB'],
    [16 * 1024 ** 3 - 1, '16 GiB'],
    [1.25 * 1024 ** 3, '1.3 GiB'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('stackRow', () => {
  it('shows running/desired tasks', () => {
    expect(stackRow({ name: 'hello', services: 2, tasksDesired: 3, tasksRunning: 1, revision: 7 })).toEqual(['hello', '2', '1/3']);
  });
});

describe('nodeRow', () => {
  const node: NodeView = {
    id: '0123456789abcdef',
    name: 'box',
    address: '10.0.0.2',
    state: 'ready',
    availability: 'active',
    role: 'manager',
    labels: { zone: 'eu', ssd: '' , arch: 'x86' },
    cpus: 3.999,
    memoryBytes: 8 * 1024 ** 3,
    drivers: [],
    tasks: 4,
  };
  it('cuts the id, sorts labels and formats capacity', () => {
    expect(nodeRow(node)).toEqual(['0123456789ab', 'box', '10.0.0.2', 'ready', 'active', '4', '4', '8 GiB', 'arch=x86,ssd,zone=eu']);
  });
  it('shows a node without labels', () => {
    expect(nodeRow({ ...node, labels: {}, cpus: 0.5 }).slice(6)).toEqual(['0.5', '8 GiB', '']);
  });
});
