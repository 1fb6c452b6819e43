import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { normalizePlacement, parseConstraint } from './placement.js';

describe('placement constraints', () => {
  it.each([
    ['node.labels.zone == eu', { field: 'node.labels.zone', op: '==', value: 'eu' }],
    ['node.labels.zone!=us', { field: 'node.labels.zone', op: '!=', value: 'us' }],
    ['node.role==manager', { field: 'node.role', op: '==', value: 'manager' }],
    ['node.hostname == box-1', { field: 'node.hostname', op: '==', value: 'box-1' }],
    ['node.id == 2ivku8v2gvtg4', { field: 'node.id', op: '==', value: '2ivku8v2gvtg4' }],
    ['node.platform.os == linux', { field: 'node.platform.os', op: '==', value: 'linux' }],
    ['node.platform.arch != arm64', { field: 'node.platform.arch', op: '!=', value: 'arm64' }],
    ['engine.labels.storage == ssd', { field: 'engine.labels.storage', op: '==', value: 'ssd' }],
    ['Node.Role == worker', { field: 'node.role', op: '==', value: 'worker' }],
    ['node.labels.Zone == EU', { field: 'node.labels.Zone', op: '==', value: 'EU' }],
  ])('%j', (text, constraint) => {
    expect(parseConstraint(text)).toEqual({ ok: true, value: constraint });
  });

  it.each([
    ['node.role', 'invalid placement constraint "node.role": expected "<field> == <value>" or "<field> != <value>"'],
    ['node.role = manager', 'invalid placement constraint "node.role = manager": expected "<field> == <value>" or "<field> != <value>"'],
    ['== manager', 'invalid placement constraint "== manager": expected "<field> == <value>" or "<field> != <value>"'],
    ['node.role ==', 'invalid placement constraint "node.role ==": the value is empty'],
    ['node.role == a == b', 'invalid placement constraint "node.role == a == b": more than one operator'],
    ['node.zone == eu', 'unknown placement field "node.zone": expected node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>'],
    ['node.labels. == eu', 'unknown placement field "node.labels.": expected node.id, node.hostname, node.role, node.platform.os, node.platform.arch, node.labels.<key> or engine.labels.<key>'],
  ])('rejects %j', (text, error) => {
    expect(parseConstraint(text)).toEqual({ ok: false, error });
  });
});

describe('normalizePlacement', () => {
  it('collects constraints, spread preferences and max replicas per node', () => {
    const diag = new Diagnostics();
    expect(
      normalizePlacement(
        { constraints: ['node.role == worker', 'node.labels.zone != us'], preferences: [{ spread: 'node.labels.zone' }], max_replicas_per_node: '2' },
        ['p'],
        diag,
      ),
    ).toEqual({
      constraints: [
        { field: 'node.role', op: '==', value: 'worker' },
        { field: 'node.labels.zone', op: '!=', value: 'us' },
      ],
      spread: ['node.labels.zone'],
      maxReplicasPerNode: 2,
    });
    expect(diag.items).toEqual([]);
  });

  it('defaults to no constraints and no per-node limit, and reports bad entries at their index', () => {
    const diag = new Diagnostics();
    expect(normalizePlacement(undefined, ['p'], diag)).toEqual({ constraints: [], spread: [], maxReplicasPerNode: 0 });
    normalizePlacement({ constraints: ['ok == 1'], preferences: [{ spread: 'rack' }] }, ['services', 'web', 'deploy', 'placement'], diag);
    expect(diag.items.map((d) => d.path)).toEqual([
      'services.web.deploy.placement.constraints[0]',
      'services.web.deploy.placement.preferences[0].spread',
    ]);
  });
});
