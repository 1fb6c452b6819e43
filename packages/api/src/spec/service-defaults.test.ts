import { describe, expect, it } from 'vitest';
import { defaultServiceSpec } from './service-defaults.js';
import { DEFAULT_STOP_GRACE_PERIOD_MS } from './stack-spec.js';

describe('defaultServiceSpec', () => {
  it('sets every field to its Compose default and applies overrides on top', () => {
    const spec = defaultServiceSpec('web', { image: 'nginx' });
    expect(spec.name).toBe('web');
    expect(spec.image).toBe('nginx');
    expect(spec.restart.condition).toBe('none');
    expect(spec.stopGracePeriodMs).toBe(DEFAULT_STOP_GRACE_PERIOD_MS);
    expect(spec.deploy.replicas).toBe(1);
    expect(spec.berth.driver).toBe('docker');
  });

  it('returns fresh objects, so one caller cannot change another caller\'s spec', () => {
    const a = defaultServiceSpec('a');
    a.deploy.placement.constraints.push({ field: 'node.role', op: '==', value: 'manager' });
    a.berth.restartBackoff.initialMs = 1;
    const b = defaultServiceSpec('b');
    expect(b.deploy.placement.constraints).toEqual([]);
    expect(b.berth.restartBackoff.initialMs).toBe(100);
  });
});
