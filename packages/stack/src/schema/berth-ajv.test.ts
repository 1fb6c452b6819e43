import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { coerceString, compileBerthSchema } from './berth-ajv.js';
import { BERTH_SCHEMA } from './berth-schema.js';
import { bool, int, mapping, num } from './schema-shapes.js';

describe('coerceString', () => {
  it.each([
    ['integer', '3', 3],
    ['integer', '-12', -12],
    ['integer', '+7', 7],
    ['integer', '3.5', undefined],
    ['integer', ' 3', undefined],
    ['integer', '', undefined],
    ['integer', '0x10', undefined],
    ['number', '0.5', 0.5],
    ['number', '.5', 0.5],
    ['number', '1e3', 1000],
    ['number', 'Infinity', undefined],
    ['number', 'NaN', undefined],
    ['number', '1,5', undefined],
    ['boolean', 'true', true],
    ['boolean', 'False', false],
    ['boolean', 'yes', true],
    ['boolean', 'ON', true],
    ['boolean', 'n', false],
    ['boolean', '1', undefined],
    ['boolean', 'maybe', undefined],
  ] as const)('%s from %j is %j', (target, text, expected) => {
    expect(coerceString(target, text)).toBe(expected);
  });

  it('reads back every integer and number it printed', () => {
    fc.assert(
      fc.property(fc.integer(), (n) => {
        expect(coerceString('integer', String(n))).toBe(n);
      }),
    );
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (x) => {
        // String(-0) is "0": the sign of zero does not survive printing, which is fine for config.
        expect(coerceString('number', String(x))).toBe(Object.is(x, -0) ? 0 : x);
      }),
    );
  });
});

describe('the coerce keyword', () => {
  const validate = compileBerthSchema(
    mapping({ n: int({ minimum: 1 }), x: num(), b: bool(), list: { type: 'array', items: int() } }),
  );

  it('replaces interpolated strings in place and leaves other types alone', () => {
    const data = { n: '4', x: '2.5', b: 'off', list: ['1', 2] };
    expect(validate(data)).toBe(true);
    expect(data).toEqual({ n: 4, x: 2.5, b: false, list: [1, 2] });
  });

  it('applies limits to the coerced number', () => {
    expect(validate({ n: '0' })).toBe(false);
    expect(validate.errors?.map((e) => e.keyword)).toEqual(['minimum']);
  });

  it('fails strings that are not numbers or booleans, and still rejects other types', () => {
    expect(validate({ n: 'four', b: 'sure' })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/n coerce', '/b coerce']);
    expect(validate({ n: true, b: 1 })).toBe(false);
    expect(validate.errors?.map((e) => `${e.instancePath} ${e.keyword}`)).toEqual(['/n type', '/b type']);
  });
});

describe('compiling the berth schema', () => {
  it('uses no $ref, so an error\'s schemaPath leads straight to its schema node', () => {
    expect(JSON.stringify(BERTH_SCHEMA)).not.toContain('"$ref"');
  });

  it('is quick enough to do lazily on first use', () => {
    const started = performance.now();
    const validate = compileBerthSchema(BERTH_SCHEMA);
    const ms = performance.now() - started;
    expect(validate({ services: { web: { image: 'nginx' } } })).toBe(true);
    // Typically 30-80 ms; the bound only catches a return to ajv's slow settings (~200+ ms).
    expect(ms).toBeLessThan(1000);
  });
});
