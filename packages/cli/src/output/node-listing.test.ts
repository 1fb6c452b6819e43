import { describe, expect, it } from 'vitest';
import type { NodeView } from '../client/control-api.js';
import { labelsText, NODE_COLUMNS, nodeRow } from './node-listing.js';
import { renderTable } from './table.js';

const box: NodeView = {
  id: '0123456789abcdef',
  name: 'box',
  address: '10.0.0.2',
  state: 'ready',
  availability: 'active',
  role: 'worker',
  labels: { zone: 'eu', ssd: '', arch: 'x86' },
  cpus: 4,
  memoryBytes: 8 * 1024 ** 3,
  drivers: [
    { name: 'docker', available: true, message: '' },
    { name: 'process', available: true, message: '' },
  ],
  tasks: 5,
  running: 4,
  reservedCpus: 1.505,
  reservedMemoryBytes: 1.5 * 1024 ** 3,
  lastHeartbeatAt: new Date('2026-11-23T06:00:00Z'),
};

const idle: NodeView = {
  ...box,
  id: 'fedcba9876543210',
  name: 'spare-node',
  address: '10.0.0.3',
  state: 'down',
  availability: 'drain',
  labels: {},
  cpus: 0.5,
  memoryBytes: 512 * 1024 ** 2,
  tasks: 0,
  running: 0,
  reservedCpus: 0,
  reservedMemoryBytes: 0,
};

describe('nodeRow', () => {
  it('cuts the id, sorts labels, shows running/placed tasks and reservations of capacity', () => {
    expect(nodeRow(box)).toEqual(['0123456789ab', 'box', '10.0.0.2', 'ready', 'active', 'arch=x86,ssd,zone=eu', '4/5', '1.51 of 4', '1.5 GiB of 8 GiB']);
  });

  it('shows an idle node without labels', () => {
    expect(nodeRow(idle).slice(3)).toEqual(['down', 'drain', '', '0/0', '0 of 0.5', '0 B of 512 MiB']);
  });
});

describe('labelsText', () => {
  it('sorts by key whatever the locale and keeps values with = intact', () => {
    expect(labelsText({ b: '1', B: '2', a: 'x=y' })).toBe('B=2,a=x=y,b=1');
  });
});

describe('the nodes table', () => {
  it('renders fixture views under the documented headers', () => {
    expect(renderTable(NODE_COLUMNS, [box, idle].map(nodeRow))).toEqual([
      'ID             NAME         ADDRESS    STATE   AVAILABILITY   LABELS                 TASKS   CPU RESERVED   MEMORY RESERVED',
      '0123456789ab   box          10.0.0.2   ready   active         arch=x86,ssd,zone=eu   4/5     1.51 of 4      1.5 GiB of 8 GiB',
      'fedcba987654   spare-node   10.0.0.3   down    drain                                 0/0     0 of 0.5       0 B of 512 MiB',
    ]);
  });

  it('cuts long labels so the columns after them stay in place', () => {
    const labels = Object.fromEntries(Array.from({ length: 10 }, (_, i) => [`label${i}`, 'value']));
    const [header, row] = renderTable(NODE_COLUMNS, [nodeRow({ ...box, labels })]);
    const cell = (row ?? '').slice((header ?? '').indexOf('LABELS')).split(/ {3}/)[0] ?? '';
    expect([...cell]).toHaveLength(40);
    expect(cell.endsWith('…')).toBe(true);
  });
});
