import { describe, expect, it } from 'vitest';
import { sampleNode } from '../store/store.fixture.js';
import { serviceSpec, stackSpec } from './control.fixture.js';
import { isKnownPlacementField, stackInvalidError, stackProblems } from './stack-validation.js';

const GIB = 2 ** 30;
const constraint = (field: string) => ({ constraints: [{ field, op: '==' as const, value: 'x' }], spread: [], maxReplicasPerNode: 0 });

describe('stackProblems', () => {
  it('accepts the fields placement knows', () => {
    for (const f of ['node.id', 'node.hostname', 'node.role', 'node.platform.os', 'node.labels.zone', 'engine.labels.ssd']) {
      expect(isKnownPlacementField(f)).toBe(true);
    }
    for (const f of ['node.zone', 'NODE.ID', 'node.labels.', 'labels.zone']) expect(isKnownPlacementField(f)).toBe(false);
  });

  it('reports every unknown constraint and spread field with its path', () => {
    const web = serviceSpec('web', {}, { placement: { ...constraint('node.zone'), spread: ['node.rack'] } });
    const db = serviceSpec('db', {}, { placement: constraint('node.labels.disk') });
    expect(stackProblems(stackSpec('demo', [web, db]), [])).toEqual([
      { path: 'services.web.deploy.placement.constraints[0]', message: expect.stringContaining('unknown placement field "node.zone"') },
      { path: 'services.web.deploy.placement.preferences[0].spread', message: expect.stringContaining('"node.rack"') },
    ]);
  });

  it('rejects reservations larger than every ready node, ignoring down nodes', () => {
    const big = { ...sampleNode('big'), cpus: 64, memoryBytes: 512 * GIB, state: 'down' as const };
    const nodes = [sampleNode('n1'), sampleNode('n2'), big]; // ready ones: 4 cpus, 8 GiB
    const web = serviceSpec('web', {}, { resources: { limits: {}, reservations: { cpus: 6, memoryBytes: 16 * GIB } } });
    const ok = serviceSpec('ok', {}, { resources: { limits: {}, reservations: { cpus: 4, memoryBytes: 8 * GIB } } });
    const problems = stackProblems(stackSpec('demo', [web, ok]), nodes);
    expect(problems.map((p) => p.path)).toEqual(['services.web.deploy.resources.reservations.cpus', 'services.web.deploy.resources.reservations.memory']);
    expect(problems[0]?.message).toContain('reserves 6 cpus, more than any ready node has (largest: 4 cpus');
    expect(problems[1]?.message).toContain('16 GiB');
  });

  it('does not judge reservations while no node is ready', () => {
    const web = serviceSpec('web', {}, { resources: { limits: {}, reservations: { cpus: 1000 } } });
    expect(stackProblems(stackSpec('demo', [web]), [])).toEqual([]);
    expect(stackProblems(stackSpec('demo', [web]), [{ ...sampleNode('n1'), state: 'down' }])).toEqual([]);
  });

  it('rejects a stack name the store cannot key and a service filed under another name', () => {
    const spec = stackSpec('a/b', [serviceSpec('web')]);
    spec.services['api'] = serviceSpec('web');
    expect(stackProblems(spec, []).map((p) => p.path)).toEqual(['name', 'services.api.name']);
  });
});

describe('stackInvalidError', () => {
  it('lists every problem in the message and the context', () => {
    const error = stackInvalidError('demo', [
      { path: 'a', message: 'first' },
      { path: 'b', message: 'second' },
    ]);
    expect(error.code).toBe('STACK_INVALID');
    expect(error.message).toBe('stack "demo" cannot be deployed (2 problems):\n  - a: first\n  - b: second');
    expect(error.context['problems']).toEqual([
      { path: 'a', message: 'first' },
      { path: 'b', message: 'second' },
    ]);
  });
});
