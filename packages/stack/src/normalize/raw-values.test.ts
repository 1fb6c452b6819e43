import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { MergeTag } from '../raw-model.js';
import { listWords, mapOf, readBoolean, readChoice, readInteger, readNumber, scalarText, stringList } from './raw-values.js';

describe('raw value readers', () => {
  it('reads booleans, also from interpolated text', () => {
    const diag = new Diagnostics();
    expect([true, 'true', 'Yes', 'on', false, 'FALSE', 'no', 'off'].map((v) => readBoolean(v, ['b'], diag))).toEqual([
      true, true, true, true, false, false, false, false,
    ]);
    expect(readBoolean('maybe', ['b'], diag)).toBeUndefined();
    expect(readBoolean(1, ['b'], diag)).toBeUndefined(); // wrong type: the schema's job
    expect(diag.items).toEqual([{ severity: 'error', path: 'b', message: 'expected a boolean (true or false), got "maybe"' }]);
  });

  it('reads whole numbers with a minimum', () => {
    const diag = new Diagnostics();
    expect(readInteger(3, ['n'], diag)).toBe(3);
    expect(readInteger(' 7 ', ['n'], diag)).toBe(7);
    expect(readInteger('3.5', ['a'], diag)).toBeUndefined();
    expect(readInteger(-2, ['b'], diag)).toBeUndefined();
    expect(readInteger(1.5, ['c'], diag)).toBeUndefined();
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'a: expected a whole number, got "3.5"',
      'b: must be at least 0, got -2',
      'c: expected a whole number, got 1.5',
    ]);
  });

  it('reads numbers from text', () => {
    const diag = new Diagnostics();
    expect(readNumber('0.5', ['n'], diag)).toBe(0.5);
    expect(readNumber('', ['e'], diag)).toBeUndefined();
    expect(readNumber('half', ['h'], diag)).toBeUndefined();
    expect(diag.items.map((d) => d.path)).toEqual(['e', 'h']);
  });

  it('reads choices and lists the allowed words when wrong', () => {
    const diag = new Diagnostics();
    expect(readChoice('b', ['a', 'b'] as const, ['c'], diag, 'letter')).toBe('b');
    expect(readChoice('z', ['a', 'b', 'c'] as const, ['c'], diag, 'letter')).toBeUndefined();
    expect(diag.items[0]?.message).toBe('invalid letter "z": expected "a", "b" or "c"');
    expect(listWords(['x'])).toBe('"x"');
  });

  it('treats merge tags and scalars as non-maps and stringifies scalars', () => {
    expect(mapOf(new MergeTag('!reset', null))).toBeUndefined();
    expect(mapOf({ a: 1 })).toEqual({ a: 1 });
    expect([scalarText(8080), scalarText(true), scalarText(null), scalarText([])]).toEqual(['8080', 'true', undefined, undefined]);
    expect(stringList('a')).toEqual(['a']);
    expect(stringList(['a', 1, 'b'])).toEqual(['a', 'b']);
  });
});
