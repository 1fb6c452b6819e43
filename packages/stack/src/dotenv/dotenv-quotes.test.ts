import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scanQuoted, unescapeDouble, unescapeSingle } from './dotenv-quotes.js';

describe('scanQuoted', () => {
  it.each([
    ['"abc" rest', { body: 'abc', end: 5 }],
    ['""', { body: '', end: 2 }],
    ['"a\\"b"', { body: 'a\\"b', end: 6 }],
    ['"a\\\\"b', { body: 'a\\\\', end: 5 }],
    ["'a\\'b'", { body: "a\\'b", end: 6 }],
    ['"line1\nline2"', { body: 'line1\nline2', end: 13 }],
    ["'has \"double\"'", { body: 'has "double"', end: 14 }],
  ])('%j', (src, span) => {
    expect(scanQuoted(src, 0)).toEqual(span);
  });

  it.each([['"open'], ['"ends with escape\\"'], ["'"]])('finds no end in %j', (src) => {
    expect(scanQuoted(src, 0)).toBeUndefined();
  });

  it('starts at the given offset', () => {
    expect(scanQuoted('K="v"', 2)).toEqual({ body: 'v', end: 5 });
  });
});

describe('unescapeDouble', () => {
  it.each([
    ['plain', 'plain'],
    ['a\\nb\\tc\\rd', 'a\nb\tc\rd'],
    ['\\a\\b\\f\\v', '\x07\b\f\v'],
    ['\\"\\\\', '"\\'],
    ['\\$X', '$$X'],
    ['\\0101\\0377', 'A\xff'],
    ['\\0400 \\01 \\0', '\\0400 \\01 \\0'],
    ['\\x41 \\u0041 \\q', '\\x41 \\u0041 \\q'],
    ['trailing\\', 'trailing\\'],
  ])('%j → %j', (body, out) => {
    expect(unescapeDouble(body)).toBe(out);
  });

  it('leaves text without backslashes alone', () => {
    fc.assert(
      fc.property(fc.string().filter((s) => !s.includes('\\')), (s) => {
        expect(unescapeDouble(s)).toBe(s);
      }),
    );
  });
});

describe('unescapeSingle', () => {
  it('only unescapes the quote', () => {
    expect(unescapeSingle("it\\'s \\n \\\\")).toBe("it's \\n \\\\");
  });
});
