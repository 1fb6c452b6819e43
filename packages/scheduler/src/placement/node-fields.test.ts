import { describe, expect, it } from 'vitest';
import { node } from '../reconcile/world.fixture.js';
import { labelKey, nodeFieldValue } from './node-fields.js';

const n = node('n7', { name: 'db-host', role: 'manager', labels: { zone: 'eu', 'a.b': 'c' } });

describe('nodeFieldValue', () => {
  it.each<[string, string | undefined]>([
    ['node.id', 'n7'],
    ['node.hostname', 'db-host'],
    ['node.role', 'manager'],
    ['node.labels.zone', 'eu'],
    ['engine.labels.zone', 'eu'],
    ['node.labels.a.b', 'c'],
    ['node.labels.missing', undefined],
    ['node.labels.toString', undefined],
    ['node.platform.os', undefined],
  ])('%s → %s', (field, value) => {
    expect(nodeFieldValue(n, field)).toBe(value);
  });

  it('labelKey strips either label prefix', () => {
    expect(labelKey('node.labels.zone')).toBe('zone');
    expect(labelKey('engine.labels.zone')).toBe('zone');
    expect(labelKey('node.role')).toBeUndefined();
  });
});
