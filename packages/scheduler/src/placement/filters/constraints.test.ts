import { describe, expect, it } from 'vitest';
import type { PlacementConstraint } from '@berth/api';
import { node, svc } from '../../reconcile/world.fixture.js';
import { placementRequest } from '../placement-request.js';
import { constraintsFilter } from './constraints.js';

const n1 = node('n1', { name: 'alpha', role: 'manager', labels: { zone: 'eu', disk: 'ssd' } });
const requestOf = (constraints: PlacementConstraint[]) =>
  placementRequest('app/web', svc('web', { deploy: { placement: { constraints } } }));
const c = (field: string, op: '==' | '!=', value: string): PlacementConstraint => ({ field, op, value });

describe('constraintsFilter', () => {
  it.each<[string, PlacementConstraint[], string | undefined]>([
    ['no constraints', [], undefined],
    ['node.id ==', [c('node.id', '==', 'n1')], undefined],
    ['node.id == other', [c('node.id', '==', 'n2')], '0'],
    ['node.hostname is the node name', [c('node.hostname', '==', 'alpha')], undefined],
    ['node.hostname != own name', [c('node.hostname', '!=', 'alpha')], '0'],
    ['node.role == manager', [c('node.role', '==', 'manager')], undefined],
    ['node.role == worker', [c('node.role', '==', 'worker')], '0'],
    ['label ==', [c('node.labels.zone', '==', 'eu')], undefined],
    ['label == other value', [c('node.labels.zone', '==', 'us')], '0'],
    ['label != other value', [c('node.labels.zone', '!=', 'us')], undefined],
    ['missing label ==', [c('node.labels.gpu', '==', 'yes')], '0'],
    ['missing label != (accepted)', [c('node.labels.gpu', '!=', 'yes')], undefined],
    ['engine.labels reads node labels', [c('engine.labels.disk', '==', 'ssd')], undefined],
    ['values match exactly (case)', [c('node.labels.zone', '==', 'EU')], '0'],
    ['unknown platform field ==', [c('node.platform.os', '==', 'linux')], '0'],
    ['unknown platform field !=', [c('node.platform.os', '!=', 'windows')], undefined],
    ['second of two fails', [c('node.role', '==', 'manager'), c('node.labels.zone', '==', 'us')], '1'],
    ['first failing one is named', [c('node.role', '==', 'worker'), c('node.labels.zone', '==', 'us')], '0'],
  ])('%s → %s', (_name, constraints, cause) => {
    expect(constraintsFilter.reject(n1, requestOf(constraints))).toBe(cause);
  });

  it.each<[PlacementConstraint, number, string]>([
    [c('node.labels.zone', '==', 'eu'), 2, '2 nodes lack label zone=eu'],
    [c('node.labels.zone', '==', 'eu'), 1, '1 node lacks label zone=eu'],
    [c('engine.labels.zone', '!=', 'eu'), 3, '3 nodes have label zone=eu'],
    [c('node.labels.zone', '!=', 'eu'), 1, '1 node has label zone=eu'],
    [c('node.role', '==', 'manager'), 2, '2 nodes fail node.role == manager'],
    [c('node.hostname', '!=', 'alpha'), 1, '1 node fails node.hostname != alpha'],
  ])('describes %o on %i node(s)', (constraint, n, text) => {
    expect(constraintsFilter.describe('0', n, requestOf([constraint]))).toBe(text);
  });
});
