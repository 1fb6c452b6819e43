import { describe, expect, it } from 'vitest';
import type { HealthcheckSpec } from '@berth/api';
import { effectiveTimings } from './timings.js';

const spec = (over: Partial<HealthcheckSpec>): HealthcheckSpec => ({
  disabled: false,
  test: ['CMD', 'true'],
  intervalMs: 1_000,
  timeoutMs: 2_000,
  retries: 4,
  startPeriodMs: 3_000,
  startIntervalMs: 500,
  ...over,
});

describe('effectiveTimings', () => {
  it('keeps positive values as given', () => {
    expect(effectiveTimings(spec({}))).toEqual({
      intervalMs: 1_000,
      timeoutMs: 2_000,
      retries: 4,
      startPeriodMs: 3_000,
      startIntervalMs: 500,
    });
  });

  it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY])(
    'replaces %s with the Compose defaults (start period: none)',
    (bad) => {
      expect(
        effectiveTimings(
          spec({
            intervalMs: bad,
            timeoutMs: bad,
            retries: bad,
            startPeriodMs: bad,
            startIntervalMs: bad,
          }),
        ),
      ).toEqual({
        intervalMs: 30_000,
        timeoutMs: 30_000,
        retries: 3,
        startPeriodMs: 0,
        startIntervalMs: 5_000,
      });
    },
  );

  it('rounds fractional retries up', () => {
    expect(effectiveTimings(spec({ retries: 2.2 })).retries).toBe(3);
  });
});
