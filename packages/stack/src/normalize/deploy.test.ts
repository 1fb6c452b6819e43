import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { normalizeDeploy } from './deploy.js';

const deploy = (service: RawMap) => {
  const diag = new Diagnostics();
  const spec = normalizeDeploy(service, ['services', 'web'], diag);
  return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
};

const EMPTY_PLACEMENT = { constraints: [], spread: [], maxReplicasPerNode: 0 };

describe('normalizeDeploy', () => {
  it('defaults to one replicated task', () => {
    expect(deploy({})).toEqual({
      spec: { mode: 'replicated', replicas: 1, placement: EMPTY_PLACEMENT, resources: { limits: {}, reservations: {} }, labels: {} },
      messages: [],
    });
  });

  it('reads mode, replicas, update/rollback configs and labels', () => {
    const { spec, messages } = deploy({
      deploy: { mode: 'replicated', replicas: '3', update_config: { parallelism: 2 }, rollback_config: { order: 'start-first' }, labels: ['tier=web'] },
    });
    expect(messages).toEqual([]);
    expect(spec).toEqual({
      mode: 'replicated',
      replicas: 3,
      placement: EMPTY_PLACEMENT,
      resources: { limits: {}, reservations: {} },
      updateConfig: { parallelism: 2, delayMs: 0, failureAction: 'pause', monitorMs: 5_000, maxFailureRatio: 0, order: 'stop-first' },
      rollbackConfig: { parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5_000, maxFailureRatio: 0, order: 'start-first' },
      labels: { tier: 'web' },
    });
  });

  it('takes scale as an alternative to replicas and reports distinct values', () => {
    expect(deploy({ scale: 4 }).spec.replicas).toBe(4);
    expect(deploy({ scale: 2, deploy: { replicas: 2 } })).toMatchObject({ spec: { replicas: 2 }, messages: [] });
    expect(deploy({ scale: 2, deploy: { replicas: 3 } }).messages).toEqual([
      "services.web.scale: can't set distinct values on 'scale' and 'deploy.replicas'",
    ]);
  });

  it('runs job modes as services (the schema stage warns), reports unknown modes and replicas in global mode', () => {
    expect(deploy({ deploy: { mode: 'global' } }).spec.mode).toBe('global');
    expect(deploy({ deploy: { mode: 'replicated-job', replicas: 2 } })).toMatchObject({ spec: { mode: 'replicated', replicas: 2 }, messages: [] });
    expect(deploy({ deploy: { mode: 'global-job' } })).toMatchObject({ spec: { mode: 'global' }, messages: [] });
    expect(deploy({ deploy: { mode: 'global', replicas: 2 } }).messages).toEqual([
      'services.web.deploy.replicas: replicas cannot be set for a service in global mode',
    ]);
    expect(deploy({ deploy: { mode: 'everywhere' } }).messages).toEqual([
      'services.web.deploy.mode: invalid deploy mode "everywhere": expected "replicated" or "global"',
    ]);
  });
});
