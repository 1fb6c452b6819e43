import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DEFAULT_RECONNECT_BACKOFF, reconnectDelayMs } from './reconnect-delay.js';

describe('reconnectDelayMs', () => {
  it('doubles the ceiling from 100 ms and caps it at 5 s', () => {
    // random just below 1 shows the ceiling (minus the last whole ms).
    const top = (attempt: number): number => reconnectDelayMs(attempt, () => 0.999999);
    expect([0, 1, 2, 3, 4, 5, 6, 7, 20, 5000].map(top)).toEqual([
      99, 199, 399, 799, 1599, 3199, 4999, 4999, 4999, 4999,
    ]);
  });

  it('picks uniformly below the ceiling (full jitter)', () => {
    expect(reconnectDelayMs(0, () => 0)).toBe(0);
    expect(reconnectDelayMs(0, () => 0.5)).toBe(50);
    expect(reconnectDelayMs(3, () => 0.25)).toBe(200);
    expect(reconnectDelayMs(10, () => 0.5)).toBe(2500);
  });

  it('honours custom bounds', () => {
    expect(reconnectDelayMs(2, () => 0.5, { initialMs: 10, maxMs: 30 })).toBe(15);
    expect(reconnectDelayMs(0, () => 0.5, { initialMs: 0, maxMs: 30 })).toBe(0);
  });

  it('treats odd attempts and random values safely', () => {
    expect(reconnectDelayMs(-3, () => 0.5)).toBe(50);
    expect(reconnectDelayMs(Number.NaN, () => 0.5)).toBe(50);
    expect(reconnectDelayMs(2, () => 1)).toBe(399);
    expect(reconnectDelayMs(2, () => Number.NaN)).toBe(0);
    expect(reconnectDelayMs(2, () => -1)).toBe(0);
  });

  it('is always a whole number in [0, maxMs) and below the attempt ceiling', () => {
    fc.assert(
      fc.property(fc.nat(100_000), fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }), (attempt, r) => {
        const delay = reconnectDelayMs(attempt, () => r);
        const ceiling = Math.min(DEFAULT_RECONNECT_BACKOFF.maxMs, 100 * 2 ** attempt);
        return Number.isInteger(delay) && delay >= 0 && delay < ceiling;
      }),
    );
  });
});
