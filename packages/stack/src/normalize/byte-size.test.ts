import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { parseByteSize, readByteSize } from './byte-size.js';

describe('parseByteSize', () => {
  it.each([
    ['1024', 1024],
    ['100k', 102_400],
    ['100K', 102_400],
    ['512m', 536_870_912],
    ['512M', 536_870_912],
    ['1g', 1_073_741_824],
    ['1.5gb', 1_610_612_736],
    ['2GiB', 2_147_483_648],
    ['10b', 10],
    ['1 kb', 1024],
    ['1t', 1024 ** 4],
    ['0.5k', 512],
    ['1.0001k', 1024], // rounded down to whole bytes
  ])('%j → %d bytes', (text, bytes) => {
    expect(parseByteSize(text)).toEqual({ ok: true, value: bytes });
  });

  it.each(['', 'abc', '1x', '-1m', '1.m', 'm', '1mm'])('rejects %j', (text) => {
    expect(parseByteSize(text)).toEqual({
      ok: false,
      error: `invalid size ${JSON.stringify(text)}: expected bytes or a number with a unit (b, k, m, g, t), e.g. "512m"`,
    });
  });

  it('multiplies by powers of 1024 for every unit spelling', () => {
    const units = fc.constantFrom(['', 0], ['b', 0], ['k', 1], ['kb', 1], ['KiB', 1], ['m', 2], ['MB', 2], ['g', 3], ['Gi', 3]);
    fc.assert(
      fc.property(fc.nat(10_000), units, (n, [unit, power]) => {
        expect(parseByteSize(`${n}${unit as string}`)).toEqual({ ok: true, value: n * 1024 ** (power as number) });
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string(), (s) => {
        const r = parseByteSize(s);
        if (r.ok) expect(Number.isSafeInteger(r.value) && r.value >= 0).toBe(true);
        else expect(r.error).toMatch(/^invalid size /);
      }),
    );
  });
});

describe('readByteSize', () => {
  it('takes whole numbers as bytes and reports negative or fractional ones', () => {
    const diag = new Diagnostics();
    expect(readByteSize(2048, ['a'], diag)).toBe(2048);
    expect(readByteSize('1k', ['a'], diag)).toBe(1024);
    expect(readByteSize(-1, ['b'], diag)).toBeUndefined();
    expect(readByteSize('lots', ['c'], diag)).toBeUndefined();
    expect(diag.items.map((d) => [d.path, d.message])).toEqual([
      ['b', 'invalid size -1: expected a whole, non-negative number of bytes'],
      ['c', 'invalid size "lots": expected bytes or a number with a unit (b, k, m, g, t), e.g. "512m"'],
    ]);
  });
});
