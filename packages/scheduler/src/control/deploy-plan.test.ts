import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { serviceSpec, stackSpec } from './control.fixture.js';
import { changedFields, planDeploy } from './deploy-plan.js';
import { planScale } from './scale-plan.js';

describe('planDeploy', () => {
  const first = planDeploy(stackSpec('demo', [serviceSpec('web'), serviceSpec('db')]), undefined);

  it('creates every service of a new stack at generation 1', () => {
    expect(first.changed).toBe(true);
    expect(first.changes).toEqual([
      { service: 'db', kind: 'created', changedFields: [] },
      { service: 'web', kind: 'created', changedFields: [] },
    ]);
    expect(first.desired.services['web']?.generation).toBe(1);
  });

  it('changes nothing when the same spec is deployed again', () => {
    const again = planDeploy(stackSpec('demo', [serviceSpec('db'), serviceSpec('web')]), first.desired);
    expect(again.changed).toBe(false);
    expect(again.changes.map((c) => c.kind)).toEqual(['unchanged', 'unchanged']);
    expect(again.desired.services['web']).toEqual(first.desired.services['web']);
  });

  it('bumps the generation of a service whose tasks run something else, and names the fields', () => {
    const next = planDeploy(stackSpec('demo', [serviceSpec('web', { image: 'web:2' }), serviceSpec('db')]), first.desired);
    expect(next.changes).toContainEqual({ service: 'web', kind: 'updated', changedFields: ['image'] });
    expect(next.changes).toContainEqual({ service: 'db', kind: 'unchanged', changedFields: [] });
    expect(next.desired.services['web']?.generation).toBe(2);
    expect(next.desired.services['db']?.generation).toBe(1);
  });

  it('treats a replica change as an update of deploy.replicas only, keeping the generation', () => {
    const next = planDeploy(stackSpec('demo', [serviceSpec('web', {}, { replicas: 5 }), serviceSpec('db')]), first.desired);
    expect(next.changes).toContainEqual({ service: 'web', kind: 'updated', changedFields: ['deploy.replicas'] });
    expect(next.desired.services['web']?.generation).toBe(1);
    expect(next.desired.services['web']?.hash).toBe(first.desired.services['web']?.hash);
  });

  it('reports removed services and leaves them out of the desired stack', () => {
    const next = planDeploy(stackSpec('demo', [serviceSpec('web')]), first.desired);
    expect(next.changes).toContainEqual({ service: 'db', kind: 'removed', changedFields: [] });
    expect(Object.keys(next.desired.services)).toEqual(['web']);
  });

  it('counts a change outside the services (a network) as a change to store', () => {
    const spec = stackSpec('demo', [serviceSpec('web'), serviceSpec('db')]);
    spec.networks['back'] = { name: 'demo_back', driver: 'bridge', external: false, internal: true, attachable: false, enableIpv6: false, driverOpts: {}, labels: {} };
    const next = planDeploy(spec, first.desired);
    expect(next.changed).toBe(true);
    expect(next.changes.every((c) => c.kind === 'unchanged')).toBe(true);
  });
});

describe('changedFields', () => {
  it('names sub-fields of fixed-shape records and whole maps otherwise', () => {
    const a = serviceSpec('web');
    const b = serviceSpec('web', { environment: { ...a.environment, EXTRA: '1' }, berth: { ...a.berth, unhealthy: 'flag' } }, { replicas: 9 });
    expect(changedFields(a, b)).toEqual(['berth.unhealthy', 'deploy.replicas', 'environment']);
  });
});

describe('planScale', () => {
  const stack = planDeploy(stackSpec('demo', [serviceSpec('web'), serviceSpec('agent', {}, { mode: 'global' })]), undefined).desired;

  it('changes replicas only, keeping hash and generation', () => {
    const plan = planScale(stack, [['web', 4]]);
    expect(plan.changes).toEqual([{ service: 'web', kind: 'updated', changedFields: ['deploy.replicas'] }]);
    expect(plan.desired.spec.services['web']?.deploy.replicas).toBe(4);
    expect(plan.desired.services['web']?.generation).toBe(1);
    expect(plan.desired.services['web']?.hash).toBe(stack.services['web']?.hash);
    expect(stack.spec.services['web']?.deploy.replicas).toBe(2); // the stored stack is not mutated
  });

  it('reports an unchanged count and writes nothing', () => {
    const plan = planScale(stack, [['web', 2]]);
    expect(plan.changed).toBe(false);
    expect(plan.changes).toEqual([{ service: 'web', kind: 'unchanged', changedFields: [] }]);
  });

  it('refuses unknown and global services with their codes', () => {
    expect(() => planScale(stack, [['nope', 1]])).toThrow(expect.objectContaining({ code: 'NOT_FOUND' }));
    let error: unknown;
    try {
      planScale(stack, [['web', 3], ['agent', 2]]);
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'CONFLICT')).toBe(true);
    expect((error as Error).message).toContain('global');
  });
});
