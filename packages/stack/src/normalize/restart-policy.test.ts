import { describe, expect, it } from 'vitest';
import type { RestartPolicySpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeRestartPolicy, parseRestart } from './restart-policy.js';

const policy = (restart: RawValue | undefined, deploy?: RawValue): { spec: RestartPolicySpec; messages: string[] } => {
  const diag = new Diagnostics();
  const spec = normalizeRestartPolicy(restart, deploy, ['services', 'web'], diag);
  return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
};

describe('restart policy', () => {
  it.each<[string, RestartPolicySpec]>([
    ['no', { condition: 'none', maxAttempts: 0, windowMs: 0 }],
    ['always', { condition: 'any', maxAttempts: 0, windowMs: 0 }],
    ['unless-stopped', { condition: 'unless-stopped', maxAttempts: 0, windowMs: 0 }],
    ['on-failure', { condition: 'on-failure', maxAttempts: 0, windowMs: 0 }],
    ['on-failure:5', { condition: 'on-failure', maxAttempts: 5, windowMs: 0 }],
  ])('restart: %s', (text, spec) => {
    expect(parseRestart(text)).toEqual({ ok: true, value: spec });
    expect(policy(text)).toEqual({ spec, messages: [] });
  });

  it('defaults to no restart, also for YAML 1.1 `no` read as false', () => {
    expect(policy(undefined).spec).toEqual({ condition: 'none', maxAttempts: 0, windowMs: 0 });
    expect(policy(false).spec).toEqual({ condition: 'none', maxAttempts: 0, windowMs: 0 });
  });

  it.each(['sometimes', 'on-failure:x', 'on-failure:-1', 'Always'])('reports restart: %s', (text) => {
    expect(policy(text).messages).toEqual([
      `services.web.restart: invalid restart policy ${JSON.stringify(text)}: expected "no", "always", "on-failure[:max-retries]" or "unless-stopped"`,
    ]);
  });

  it('reads deploy.restart_policy with Swarm defaults, and it wins over restart', () => {
    expect(policy('always', { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '2m' }).spec).toEqual({
      condition: 'on-failure', maxAttempts: 3, delayMs: 5_000, windowMs: 120_000,
    });
    expect(policy('no', {}).spec).toEqual({ condition: 'any', maxAttempts: 0, windowMs: 0 });
    expect(policy(undefined, { condition: 'none' }).spec).toEqual({ condition: 'none', maxAttempts: 0, windowMs: 0 });
  });

  it('reports bad deploy.restart_policy values at their keys', () => {
    expect(policy(undefined, { condition: 'always', delay: 'soon', max_attempts: 'many' }).messages).toEqual([
      'services.web.deploy.restart_policy.delay: invalid duration "soon": unexpected "soon", e.g. "10s", "1m30s" or "500ms"',
      'services.web.deploy.restart_policy.condition: invalid restart condition "always": expected "none", "on-failure" or "any"',
      'services.web.deploy.restart_policy.max_attempts: expected a whole number, got "many"',
    ]);
  });
});
