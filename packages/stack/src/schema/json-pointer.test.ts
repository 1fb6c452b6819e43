import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pointerToModelPath, schemaAt, unescapeSegment, valueAt } from './json-pointer.js';

const model = {
  services: { web: { ports: ['80:80', { target: 81 }], labels: { 'a/b': 'x', '~t': 'y', '0': 'zero' } } },
};

describe('pointerToModelPath', () => {
  it.each([
    ['', []],
    ['/services', ['services']],
    ['/services/web/ports/1/target', ['services', 'web', 'ports', 1, 'target']],
    ['/services/web/labels/a~1b', ['services', 'web', 'labels', 'a/b']],
    ['/services/web/labels/~0t', ['services', 'web', 'labels', '~t']],
    // "0" in a mapping stays a key; only list indexes become numbers.
    ['/services/web/labels/0', ['services', 'web', 'labels', '0']],
    ['/services/nope/ports/0', ['services', 'nope', 'ports', '0']],
  ])('%j → %j', (pointer, path) => {
    expect(pointerToModelPath(pointer, model)).toEqual(path);
  });

  it('round-trips any key through JSON-pointer escaping', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const escaped = key.replace(/~/g, '~0').replace(/\//g, '~1');
        expect(unescapeSegment(escaped)).toBe(key);
        expect(pointerToModelPath(`/${escaped}`, { [key]: 1 })).toEqual([key]);
      }),
    );
  });
});

describe('valueAt and schemaAt', () => {
  it('finds values and reports missing ones as undefined', () => {
    expect(valueAt(model, ['services', 'web', 'ports', 1, 'target'])).toBe(81);
    expect(valueAt(model, ['services', 'db', 'image'])).toBeUndefined();
    expect(valueAt(model, ['services', 'web', 'ports', 0, 'x'])).toBeUndefined();
  });

  it('follows URI-encoded schema paths and can stop short of the keyword', () => {
    const schema = { properties: { s: { patternProperties: { '^[a-z]+$': { type: 'string' } } } } };
    const at = '#/properties/s/patternProperties/%5E%5Ba-z%5D%2B%24/type';
    expect(schemaAt(schema, at)).toBe('string');
    expect(schemaAt(schema, at, 1)).toEqual({ type: 'string' });
  });
});
