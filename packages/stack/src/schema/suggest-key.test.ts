import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { editDistance, maxSuggestionDistance, suggestKey } from './suggest-key.js';

const SERVICE_KEYS = ['image', 'build', 'command', 'entrypoint', 'environment', 'env_file', 'ports', 'expose',
  'volumes', 'networks', 'depends_on', 'healthcheck', 'restart', 'labels', 'deploy', 'working_dir', 'init'];

describe('editDistance', () => {
  it.each([
    ['', '', 0],
    ['', 'abc', 3],
    ['image', 'image', 0],
    ['imgae', 'image', 1], // swap of neighbours counts once
    ['imag', 'image', 1],
    ['immage', 'image', 1],
    ['imoge', 'image', 1],
    ['ca', 'abc', 3], // optimal string alignment: no edits inside a swapped pair
    ['kitten', 'sitting', 3],
  ])('%j to %j is %i', (a, b, d) => {
    expect(editDistance(a, b)).toBe(d);
  });

  const word = fc.string({ maxLength: 12 });

  it('is symmetric and zero exactly for equal strings', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBe(editDistance(b, a));
        expect(d === 0).toBe(a === b);
      }),
    );
  });

  it('lies between the length difference and the longer length', () => {
    fc.assert(
      fc.property(word, word, (a, b) => {
        const d = editDistance(a, b);
        expect(d).toBeGreaterThanOrEqual(Math.abs(a.length - b.length));
        expect(d).toBeLessThanOrEqual(Math.max(a.length, b.length));
      }),
    );
  });

  it('is at most 1 after one insertion, deletion, substitution or swap', () => {
    fc.assert(
      fc.property(fc.string({ minLength: 2, maxLength: 12 }), fc.nat(), fc.string({ minLength: 1, maxLength: 1 }), (s, n, c) => {
        const i = n % s.length;
        const edits = [
          s.slice(0, i) + c + s.slice(i),
          s.slice(0, i) + s.slice(i + 1),
          s.slice(0, i) + c + s.slice(i + 1),
          i + 1 < s.length ? s.slice(0, i) + s[i + 1] + s[i] + s.slice(i + 2) : s,
        ];
        for (const e of edits) expect(editDistance(s, e)).toBeLessThanOrEqual(1);
      }),
    );
  });
});

describe('suggestKey', () => {
  it.each([
    ['imgae', 'image'],
    ['Image', 'image'],
    ['enviroment', 'environment'],
    ['environement', 'environment'],
    ['depends-on', 'depends_on'],
    ['dependson', 'depends_on'],
    ['port', 'ports'],
    ['healtcheck', 'healthcheck'],
    ['workingdir', 'working_dir'],
    ['volume', 'volumes'],
  ])('%j suggests %j', (typo, expected) => {
    expect(suggestKey(typo, SERVICE_KEYS)).toBe(expected);
  });

  it.each(['privileged_mode', 'xyz', 'foo', 'replicas', 'a'])('%j gets no suggestion', (key) => {
    expect(suggestKey(key, SERVICE_KEYS)).toBeUndefined();
  });

  it('never suggests the key itself and prefers the alphabetically first of equal candidates', () => {
    expect(suggestKey('image', ['image'])).toBeUndefined();
    expect(suggestKey('cat', ['cot', 'bat'])).toBe('bat');
  });

  it('finds a key again after one typo, when keys are long enough to tell apart', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...SERVICE_KEYS.filter((k) => k.length >= 5)),
        fc.nat(),
        fc.constantFrom('q', 'z', 'j'),
        (key, n, c) => {
          const i = n % key.length;
          const typo = key.slice(0, i) + c + key.slice(i + 1);
          if (typo === key) return;
          const hit = suggestKey(typo, SERVICE_KEYS);
          expect(hit).toBeDefined();
          expect(editDistance(typo, hit ?? '')).toBeLessThanOrEqual(1);
        },
      ),
    );
  });

  it('allows more edits for longer keys', () => {
    expect([1, 4, 5, 8, 9, 20].map(maxSuggestionDistance)).toEqual([1, 1, 2, 2, 3, 3]);
  });
});
