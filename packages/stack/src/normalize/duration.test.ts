import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { parseDurationMs, readDurationMs } from './duration.js';

describe('parseDurationMs', () => {
  it.each([
    ['10s', 10_000],
    ['1m30s', 90_000],
    ['1h2m3.5s', 3_723_500],
    ['500ms', 500],
    ['2us', 1], // sub-millisecond rounds up so it never turns into 0
    ['2µs', 1],
    ['1500ns', 1],
    ['1.5h', 5_400_000],
    ['.5s', 500],
    ['1.1s', 1_100],
    ['0', 0],
    ['0s', 0],
    ['1d', 86_400_000],
    ['1w', 604_800_000],
    [' 10s ', 10_000],
    ['1h1h', 7_200_000],
  ])('%j → %d ms', (text, ms) => {
    expect(parseDurationMs(text)).toEqual({ ok: true, value: ms });
  });

  it.each([
    ['10', 'invalid duration "10": a unit is required, e.g. "10s", "1m30s" or "500ms"'],
    ['abc', 'invalid duration "abc": unexpected "abc", e.g. "10s", "1m30s" or "500ms"'],
    ['10x', 'invalid duration "10x": unexpected "10x", e.g. "10s", "1m30s" or "500ms"'],
    ['1m 30s', 'invalid duration "1m 30s": unexpected " 30s", e.g. "10s", "1m30s" or "500ms"'],
    ['-5s', 'invalid duration "-5s": durations cannot be negative'],
    ['', 'invalid duration "": expected a number and a unit, e.g. "10s", "1m30s" or "500ms"'],
    ['s', 'invalid duration "s": unexpected "s", e.g. "10s", "1m30s" or "500ms"'],
  ])('rejects %j', (text, error) => {
    expect(parseDurationMs(text)).toEqual({ ok: false, error });
  });

  it('sums any h/m/s/ms combination exactly', () => {
    fc.assert(
      fc.property(fc.nat(1000), fc.nat(59), fc.nat(59), fc.nat(999), (h, m, s, ms) => {
        const r = parseDurationMs(`${h}h${m}m${s}s${ms}ms`);
        expect(r).toEqual({ ok: true, value: ((h * 60 + m) * 60 + s) * 1000 + ms });
      }),
    );
  });

  it('never throws and always returns a whole, non-negative number or an error', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseDurationMs(s);
        if (r.ok) expect(Number.isSafeInteger(r.value) && r.value >= 0).toBe(true);
        else expect(r.error).toMatch(/^invalid duration /);
      }),
    );
  });
});

describe('readDurationMs', () => {
  it('reports a bare number other than 0 at the path', () => {
    const diag = new Diagnostics();
    expect(readDurationMs(30, ['services', 'web', 'stop_grace_period'], diag)).toBeUndefined();
    expect(readDurationMs(0, ['x'], diag)).toBe(0);
    expect(diag.items).toEqual([
      { severity: 'error', path: 'services.web.stop_grace_period', message: 'invalid duration 30: a unit is required, e.g. "30s"' },
    ]);
  });

  it('skips values of the wrong type silently (the schema reported them)', () => {
    const diag = new Diagnostics();
    expect(readDurationMs({ a: 1 }, ['x'], diag)).toBeUndefined();
    expect(readDurationMs(undefined, ['x'], diag)).toBeUndefined();
    expect(diag.items).toEqual([]);
  });
});
