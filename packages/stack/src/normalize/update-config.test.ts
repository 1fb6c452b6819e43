import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { normalizeUpdateConfig, SWARM_UPDATE_DEFAULTS } from './update-config.js';

describe('normalizeUpdateConfig', () => {
  it('is undefined when absent and Swarm defaults when empty', () => {
    const diag = new Diagnostics();
    expect(normalizeUpdateConfig(undefined, ['u'], 'update', diag)).toBeUndefined();
    expect(normalizeUpdateConfig({}, ['u'], 'update', diag)).toEqual({
      parallelism: 1, delayMs: 0, failureAction: 'pause', monitorMs: 5_000, maxFailureRatio: 0, order: 'stop-first',
    });
    expect(SWARM_UPDATE_DEFAULTS.monitorMs).toBe(5_000);
  });

  it('reads every field', () => {
    const diag = new Diagnostics();
    expect(
      normalizeUpdateConfig(
        { parallelism: 2, delay: '10s', failure_action: 'rollback', monitor: '30s', max_failure_ratio: '0.25', order: 'start-first' },
        ['u'],
        'update',
        diag,
      ),
    ).toEqual({ parallelism: 2, delayMs: 10_000, failureAction: 'rollback', monitorMs: 30_000, maxFailureRatio: 0.25, order: 'start-first' });
    expect(diag.items).toEqual([]);
  });

  it('rejects rollback as the failure action of a rollback, and ratios above 1', () => {
    const diag = new Diagnostics();
    const spec = normalizeUpdateConfig({ failure_action: 'rollback', max_failure_ratio: 2 }, ['services', 'web', 'deploy', 'rollback_config'], 'rollback', diag);
    expect(spec).toMatchObject({ failureAction: 'pause', maxFailureRatio: 0 });
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.web.deploy.rollback_config.max_failure_ratio: must be between 0 and 1, got 2',
      'services.web.deploy.rollback_config.failure_action: invalid failure action "rollback": expected "continue" or "pause"',
    ]);
  });
});
