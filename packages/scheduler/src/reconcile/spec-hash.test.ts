import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@berth/api';
import { canonicalJson, hashServiceSpec } from './spec-hash.js';
import { svc } from './world.fixture.js';

const base = svc('web', { ports: [{ target: 80, published: 8080, protocol: 'tcp', mode: 'host' }] });
const withDeploy = (deploy: Partial<ServiceSpec['deploy']>): ServiceSpec => ({ ...base, deploy: { ...base.deploy, ...deploy } });
const update = { parallelism: 1, delayMs: 0, failureAction: 'pause' as const, monitorMs: 0, maxFailureRatio: 0, order: 'stop-first' as const };

describe('hashServiceSpec', () => {
  it.each<[string, ServiceSpec]>([
    ['replicas', withDeploy({ replicas: 7 })],
    ['update_config', withDeploy({ updateConfig: update })],
    ['rollback_config', withDeploy({ rollbackConfig: update })],
    ['deploy.labels (the service labels, not the containers)', withDeploy({ labels: { team: 'a' } })],
    ['depends_on', { ...base, dependsOn: { db: { condition: 'service_started', restart: false, required: true } } }],
    ['profiles', { ...base, profiles: ['debug'] }],
    ['key order', Object.fromEntries(Object.entries(base).reverse()) as unknown as ServiceSpec],
  ])('ignores %s', (_name, other) => {
    expect(hashServiceSpec(other)).toBe(hashServiceSpec(base));
  });

  it.each<[string, ServiceSpec]>([
    ['the image', { ...base, image: 'registry.local/web:2' }],
    ['an environment value', { ...base, environment: { A: '1' } }],
    ['a port', { ...base, ports: [{ target: 80, published: 8081, protocol: 'tcp', mode: 'host' }] }],
    ['the mode', withDeploy({ mode: 'global' })],
    ['a container label', { ...base, labels: { team: 'a' } }],
    ['a constraint', withDeploy({ placement: { ...base.deploy.placement, constraints: [{ field: 'node.role', op: '==', value: 'manager' }] } })],
    ['a reservation', withDeploy({ resources: { limits: {}, reservations: { cpus: 1 } } })],
    ['the driver', { ...base, berth: { ...base.berth, driver: 'process' } }],
  ])('changes with %s', (_name, other) => {
    expect(hashServiceSpec(other)).not.toBe(hashServiceSpec(base));
  });

  it('is 16 hex digits', () => {
    expect(hashServiceSpec(base)).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe('canonicalJson', () => {
  it('is the same for any key order and parses back to the same value', () => {
    const json = fc.jsonValue({ maxDepth: 3 });
    fc.assert(
      fc.property(json, (value) => {
        const shuffled = JSON.parse(JSON.stringify(value, (_k, v: unknown) => (v && typeof v === 'object' && !Array.isArray(v) ? Object.fromEntries(Object.entries(v).reverse()) : v))) as unknown;
        expect(canonicalJson(shuffled)).toBe(canonicalJson(value));
        expect(JSON.parse(canonicalJson(value))).toEqual(JSON.parse(JSON.stringify(value)));
      }),
      { numRuns: 200 },
    );
  });

  it('drops undefined properties as JSON does', () => {
    expect(canonicalJson({ b: 1, a: undefined, c: [undefined] })).toBe('{"b":1,"c":[null]}');
  });
});
