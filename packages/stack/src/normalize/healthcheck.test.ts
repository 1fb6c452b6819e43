import { describe, expect, it } from 'vitest';
import { DEFAULT_HEALTHCHECK, type HealthcheckSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeHealthcheck, parseHealthTest } from './healthcheck.js';

const defaults = { ...DEFAULT_HEALTHCHECK };
const check = (raw: RawValue): { spec: HealthcheckSpec | undefined; messages: string[] } => {
  const diag = new Diagnostics();
  const spec = normalizeHealthcheck(raw, ['services', 'db', 'healthcheck'], diag);
  return { spec, messages: diag.items.map((d) => `${d.severity} ${d.path}: ${d.message}`) };
};

describe('parseHealthTest', () => {
  it.each<[string | string[], unknown]>([
    ['curl -f http://localhost', { disabled: false, test: ['CMD-SHELL', 'curl -f http://localhost'] }],
    [['CMD', 'pg_isready', '-U', 'app'], { disabled: false, test: ['CMD', 'pg_isready', '-U', 'app'] }],
    [['CMD-SHELL', 'pg_isready || exit 1'], { disabled: false, test: ['CMD-SHELL', 'pg_isready || exit 1'] }],
    [['CMD-SHELL', 'pg_isready', '-U', 'app'], { disabled: false, test: ['CMD-SHELL', 'pg_isready -U app'] }],
    [['NONE'], { disabled: true }],
    [[], { disabled: false, test: [] }],
  ])('%j', (raw, value) => {
    expect(parseHealthTest(raw)).toEqual({ ok: true, value });
  });

  it.each<[string | string[], string]>([
    [['curl', '-f', 'x'], 'the health check test must start with "CMD", "CMD-SHELL" or "NONE", not "curl"'],
    [['CMD'], '"CMD" needs a command to run'],
    [['CMD-SHELL'], '"CMD-SHELL" needs a script to run'],
    ['  ', 'the health check test is empty'],
  ])('rejects %j', (raw, error) => {
    expect(parseHealthTest(raw)).toEqual({ ok: false, error });
  });
});

describe('normalizeHealthcheck', () => {
  it('is undefined when the service has no healthcheck', () => {
    expect(check(null)).toEqual({ spec: undefined, messages: [] });
  });

  it('parses timings and fills defaults', () => {
    expect(check({ test: ['CMD', 'true'], interval: '10s', timeout: '2s', retries: '5', start_period: '1m', start_interval: '500ms' })).toEqual({
      spec: { disabled: false, test: ['CMD', 'true'], intervalMs: 10_000, timeoutMs: 2_000, retries: 5, startPeriodMs: 60_000, startIntervalMs: 500 },
      messages: [],
    });
    expect(check({ test: 'true' }).spec).toEqual({ disabled: false, test: ['CMD-SHELL', 'true'], ...defaults });
  });

  it('keeps only timings when there is no test (the image test applies)', () => {
    expect(check({ interval: '5s' }).spec).toEqual({ ...defaults, disabled: false, test: [], intervalMs: 5_000 });
  });

  it('treats a 0 interval as unset rather than probing in a loop', () => {
    expect(check({ test: 'true', interval: '0s', start_period: '0s' }).spec).toMatchObject({ intervalMs: 30_000, startPeriodMs: 0 });
  });

  it('disables with NONE or disable: true', () => {
    expect(check({ test: ['NONE'] }).spec).toEqual({ ...defaults, disabled: true, test: [] });
    expect(check({ disable: true }).spec).toEqual({ ...defaults, disabled: true, test: [] });
    expect(check({ disable: 'true', test: ['CMD', 'x'] })).toEqual({
      spec: { ...defaults, disabled: true, test: [] },
      messages: ['warning services.db.healthcheck.test: the test is ignored because disable is true'],
    });
  });

  it('reports bad tests and durations at their keys', () => {
    expect(check({ test: ['curl', 'x'], interval: '10', retries: -1 }).messages).toEqual([
      'error services.db.healthcheck.test: the health check test must start with "CMD", "CMD-SHELL" or "NONE", not "curl"',
      'error services.db.healthcheck.interval: invalid duration "10": a unit is required, e.g. "10s", "1m30s" or "500ms"',
      'error services.db.healthcheck.retries: must be at least 0, got -1',
    ]);
  });
});
