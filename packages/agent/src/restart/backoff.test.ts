import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RESTART_BACKOFF, type RestartBackoffSettings } from '@berth/api';
import { backoffDelayMs } from './backoff.js';

const tuned = (over: Partial<RestartBackoffSettings>): RestartBackoffSettings => ({
  ...DEFAULT_RESTART_BACKOFF,
  ...over,
});
const curve = (settings: RestartBackoffSettings, steps: number): number[] =>
  Array.from({ length: steps }, (_, step) => backoffDelayMs(step, settings));

describe('backoffDelayMs', () => {
  it('with the defaults: immediate, then doubling from 100 ms, capped at 60 s', () => {
    expect(curve(DEFAULT_RESTART_BACKOFF, 14)).toEqual([
      0, 100, 200, 400, 800, 1600, 3200, 6400, 12_800, 25_600, 51_200, 60_000, 60_000, 60_000,
    ]);
  });

  it.each<[string, Partial<RestartBackoffSettings>, number[]]>([
    ['multiplier 3, initial 50, cap 1000', { initialMs: 50, multiplier: 3, maxMs: 1000 }, [0, 50, 150, 450, 1000, 1000]],
    ['multiplier 1 is a flat delay', { multiplier: 1 }, [0, 100, 100, 100, 100, 100]],
    ['multiplier 1.5 rounds to whole ms', { initialMs: 10, multiplier: 1.5 }, [0, 10, 15, 23, 34, 51]],
    ['a cap below initial wins', { initialMs: 500, maxMs: 300 }, [0, 300, 300, 300, 300, 300]],
    ['cap 0 means always immediate', { maxMs: 0 }, [0, 0, 0, 0, 0, 0]],
    ['initial 0 means always immediate', { initialMs: 0 }, [0, 0, 0, 0, 0, 0]],
    ['a fractional cap is floored', { initialMs: 100, maxMs: 250.9 }, [0, 100, 200, 250, 250, 250]],
  ])('%s', (_name, over, expected) => {
    expect(curve(tuned(over), 6)).toEqual(expected);
  });

  it.each<[string, Partial<RestartBackoffSettings>, number[]]>([
    ['a multiplier below 1 is treated as flat', { multiplier: 0.5 }, [0, 100, 100, 100]],
    ['a NaN multiplier is treated as flat', { multiplier: Number.NaN }, [0, 100, 100, 100]],
    ['a negative initial is immediate', { initialMs: -5 }, [0, 0, 0, 0]],
    ['a NaN initial is immediate', { initialMs: Number.NaN }, [0, 0, 0, 0]],
    ['an infinite cap falls back to 60 s', { maxMs: Number.POSITIVE_INFINITY, multiplier: 1000 }, [0, 100, 60_000, 60_000]],
  ])('guards bad settings: %s', (_name, over, expected) => {
    expect(curve(tuned(over), 4)).toEqual(expected);
  });

  it('caps steps far past overflow (multiplier^step is Infinity)', () => {
    expect(backoffDelayMs(100_000, DEFAULT_RESTART_BACKOFF)).toBe(60_000);
    expect(backoffDelayMs(-3, DEFAULT_RESTART_BACKOFF)).toBe(0);
  });

  const settingsArb = fc.record({
    initialMs: fc.integer({ min: 0, max: 10_000 }),
    maxMs: fc.integer({ min: 0, max: 600_000 }),
    multiplier: fc.double({ min: 0, max: 10, noNaN: true }),
    resetAfterMs: fc.integer({ min: 0, max: 60_000 }),
  });

  it('is a whole number in [0, maxMs] and non-decreasing in step', () => {
    fc.assert(
      fc.property(settingsArb, fc.integer({ min: 0, max: 2000 }), (settings, step) => {
        const here = backoffDelayMs(step, settings);
        const next = backoffDelayMs(step + 1, settings);
        expect(Number.isInteger(here)).toBe(true);
        expect(here).toBeGreaterThanOrEqual(0);
        expect(here).toBeLessThanOrEqual(settings.maxMs);
        expect(next).toBeGreaterThanOrEqual(here);
      }),
    );
  });
});
