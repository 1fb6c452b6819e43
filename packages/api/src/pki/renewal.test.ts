import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { renewalDelayMs } from './renewal.js';

const HOUR = 3_600_000;
const cert = { notBefore: new Date(0), notAfter: new Date(100 * HOUR) };

describe('renewalDelayMs', () => {
  it.each([
    { case: 'random 0 → 50% of the life', now: 0, random: 0, expected: 50 * HOUR },
    { case: 'random 0.5 → 65%', now: 0, random: 0.5, expected: 65 * HOUR },
    { case: 'random 0.999 → just under 80%', now: 0, random: 0.999, expected: 79.97 * HOUR },
    { case: 'counted from now', now: 10 * HOUR, random: 0, expected: 40 * HOUR },
    { case: 'window point already past → 0', now: 90 * HOUR, random: 0.5, expected: 0 },
    { case: 'certificate expired → 0', now: 200 * HOUR, random: 0, expected: 0 },
  ])('$case', ({ now, random, expected }) => {
    expect(renewalDelayMs(cert, now, () => random)).toBe(expected);
  });

  it('is counted from notBefore, not from the epoch', () => {
    const later = { notBefore: new Date(1_000 * HOUR), notAfter: new Date(1_010 * HOUR) };
    expect(renewalDelayMs(later, 1_000 * HOUR, () => 0)).toBe(5 * HOUR);
  });

  it('always lands in [50%, 80%] of the life, or 0 once that point has passed', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 1e12 }),
        fc.integer({ min: 1, max: 1e11 }),
        fc.integer({ min: -1e11, max: 2e11 }),
        fc.double({ min: 0, max: 1, maxExcluded: true, noNaN: true }),
        (start, life, offset, r) => {
          const delay = renewalDelayMs({ notBefore: new Date(start), notAfter: new Date(start + life) }, start + offset, () => r);
          const at = start + offset + delay;
          expect(delay).toBeGreaterThanOrEqual(0);
          if (delay > 0) {
            expect(at).toBeGreaterThanOrEqual(start + life * 0.5 - 1);
            expect(at).toBeLessThanOrEqual(start + life * 0.8 + 1);
          } else {
            expect(start + offset).toBeGreaterThanOrEqual(start + life * 0.5 - 1);
          }
        },
      ),
    );
  });
});
