import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupIn } from '../env.js';
import { interpolateString } from './interpolate-string.js';

const env = lookupIn({ SET: 'value', EMPTY: '', ID: '42', B: 'bee', DOLLAR: '$HOME ${X}' });
const run = (input: string) => interpolateString(input, env);

describe('interpolateString', () => {
  it.each([
    // plain references
    ['$SET', 'value'],
    ['${SET}', 'value'],
    ['a-$SET-b', 'a-value-b'],
    ['${SET}x', 'valuex'],
    ['$SET.x', 'value.x'],
    ['$SETx', ''], // the longest name is taken: SETx is unset
    ['$EMPTY|', '|'],
    // :- default when unset or empty
    ['${SET:-d}', 'value'],
    ['${EMPTY:-d}', 'd'],
    ['${NOPE:-d}', 'd'],
    ['${NOPE:-}', ''],
    // - default only when unset
    ['${SET-d}', 'value'],
    ['${EMPTY-d}', ''],
    ['${NOPE-d}', 'd'],
    // :+ and + replacement
    ['${SET:+r}', 'r'],
    ['${EMPTY:+r}', ''],
    ['${NOPE:+r}', ''],
    ['${SET+r}', 'r'],
    ['${EMPTY+r}', 'r'],
    ['${NOPE+r}', ''],
    // ? and :? pass the value through when they do not fire
    ['${SET:?msg}', 'value'],
    ['${SET?msg}', 'value'],
    ['${EMPTY?msg}', ''],
    // nesting
    ['${NOPE:-${B:-x}}', 'bee'],
    ['${NOPE:-${NOPE2:-x}}', 'x'],
    ['${NOPE:-a${B}b$B}', 'abeebbee'],
    ['${SET:+[${B}]}', '[bee]'],
    ['${NOPE:-${NOPE2:-${NOPE3:-deep}}}', 'deep'],
    // defaults may hold characters that are special elsewhere
    ['${NOPE:-a:b-c?d+e}', 'a:b-c?d+e'],
    ['${NOPE:-{x}}', '{x}'], // the first } closes; the second is literal
    ['${NOPE:-http://h:80/p}', 'http://h:80/p'],
    // escapes and lone dollars
    ['$$', '$'],
    ['$$SET', '$SET'],
    ['$${SET}', '${SET}'],
    ['$$$SET', '$value'],
    ['cost: 5$', 'cost: 5$'],
    ['$1 $- $. $ x', '$1 $- $. $ x'],
    ['${NOPE:-$}', '$'],
    ['${NOPE:-$$}', '$'],
    // values are never re-interpolated
    ['${DOLLAR}', '$HOME ${X}'],
    // non-ASCII passes through
    ['héllo ${B} ✓', 'héllo bee ✓'],
    ['', ''],
  ])('%j → %j', (input, expected) => {
    const r = run(input);
    expect(r.value).toBe(expected);
    expect(r.errors).toEqual([]);
  });

  it('lists unset variables once, in order of first use', () => {
    expect(run('$A ${B2} $A ${C:-x} ${D-y} ${E:+z} $F').unset).toEqual(['A', 'B2', 'F']);
    expect(run('${NOPE:-$INNER}').unset).toEqual(['INNER']);
  });

  it('does not evaluate branches that are not taken', () => {
    const r = run('${SET:-$UNUSED} ${NOPE:+$UNUSED2} ${SET:?$UNUSED3} ${SET?${NOPE:?no}}');
    expect(r).toEqual({ value: 'value  value value', errors: [], unset: [] });
  });

  it.each([
    ['${ID:?ID variable must be set}', '42', undefined],
    ['${NOPE:?ID variable must be set}', '', 'required variable NOPE is missing a value: ID variable must be set'],
    ['${EMPTY:?must be set}', '', 'required variable EMPTY is missing a value: must be set'],
    ['${NOPE?must be set}', '', 'required variable NOPE is missing a value: must be set'],
    ['${NOPE:?}', '', 'required variable NOPE is missing a value'],
    ['${NOPE?}', '', 'required variable NOPE is missing a value'],
    ['${NOPE:?set $B first}', '', 'required variable NOPE is missing a value: set bee first'],
  ])('required: %j', (input, value, error) => {
    const r = run(input);
    expect(r.value).toBe(value);
    expect(r.errors).toEqual(error === undefined ? [] : [error]);
  });

  it('reports the message of the spec example for an unset ID', () => {
    const r = interpolateString('${ID:?ID variable must be set}', lookupIn({}));
    expect(r.errors).toEqual(['required variable ID is missing a value: ID variable must be set']);
    expect(r.unset).toEqual([]);
  });

  it('does not warn about unset variables inside an error message', () => {
    expect(run('${NOPE:?see $DOCS}').unset).toEqual([]);
  });

  it.each([
    ['${', '${'],
    ['${SET', '${SET'],
    ['x ${SET:-d', '${SET:-d'],
    ['${1A}', '${1A}'],
    ['${}', '${}'],
    ['${A B}', '${A B}'],
    ['${A:x}', '${A:x}'],
    ['${A=x}', '${A=x}'],
    ['${-x}', '${-x}'],
    ['${A.B}', '${A.B}'],
    ['${NOPE:-${SET}', '${NOPE:-${SET}'],
    ['${NOPE:-${1B}}', '${1B}'],
    ['${1A:-${B}} tail', '${1A:-${B}}'],
  ])('rejects malformed %j', (input, expr) => {
    const r = run(input);
    expect(r.errors).toEqual([`invalid interpolation format: "${expr}"`]);
  });

  it('shortens very long malformed expressions in messages but keeps them in the value', () => {
    const input = '${-' + 'x'.repeat(500) + '}';
    const r = run(input);
    expect(r.value).toBe(input);
    expect(r.errors).toEqual([`invalid interpolation format: "\${-${'x'.repeat(117)}…"`]);
  });

  it('keeps malformed expressions literally and carries on after them', () => {
    const r = run('a ${1A} b $B ${C');
    expect(r.value).toBe('a ${1A} b bee ${C');
    expect(r.errors).toEqual(['invalid interpolation format: "${1A}"', 'invalid interpolation format: "${C"']);
  });

  it('reports syntax errors even in branches that are not taken', () => {
    expect(run('${SET:-${1A}}').errors).toEqual(['invalid interpolation format: "${1A}"']);
  });

  it('drops what an unterminated expression found inside it', () => {
    const r = run('${SET:-${NOPE}');
    expect(r.unset).toEqual([]);
    expect(r.errors).toEqual(['invalid interpolation format: "${SET:-${NOPE}"']);
  });

  it('limits nesting instead of exhausting the stack', () => {
    const deep = '${NOPE:-'.repeat(100_000) + 'x' + '}'.repeat(100_000);
    const r = run(deep);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]).toMatch(/^invalid interpolation format: "(\$\{NOPE:-){15}…" \(nested more than 64 levels deep\)$/);
    expect(r.errors[0]?.length).toBeLessThan(250);
    const ok = '${NOPE:-'.repeat(60) + 'x' + '}'.repeat(60);
    expect(run(ok)).toEqual({ value: 'x', errors: [], unset: [] });
  });

  describe('properties', () => {
    const special = fc.constantFrom('$', '{', '}', ':', '-', '?', '+', 'A', 'B', 'SET', 'EMPTY', '1', ' ', 'é');
    const messy = fc.array(special, { maxLength: 40 }).map((parts) => parts.join(''));

    it('leaves strings without $ unchanged', () => {
      fc.assert(
        fc.property(fc.string({ unit: 'grapheme' }).filter((s) => !s.includes('$')), (s) => {
          expect(run(s)).toEqual({ value: s, errors: [], unset: [] });
        }),
      );
    });

    it('turns $$ into $: escaping every $ gives the text back', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), messy), (s) => {
          expect(run(s.replaceAll('$', () => '$$'))).toEqual({ value: s, errors: [], unset: [] });
        }),
      );
    });

    it('never throws and always returns strings', () => {
      fc.assert(
        fc.property(fc.oneof(fc.string(), messy), (s) => {
          const r = run(s);
          expect(typeof r.value).toBe('string');
          for (const e of r.errors) expect(e).toMatch(/^(invalid interpolation format|required variable)/);
          expect(new Set(r.unset).size).toBe(r.unset.length);
        }),
      );
    });

    it('substitutes any value verbatim', () => {
      fc.assert(
        fc.property(fc.string(), (v) => {
          expect(interpolateString('<${V}>', lookupIn({ V: v })).value).toBe(`<${v}>`);
        }),
      );
    });

    it(':- picks the value when it is non-empty, the default otherwise', () => {
      const plain = fc.string().filter((s) => !/[$}]/.test(s));
      fc.assert(
        fc.property(fc.option(fc.string(), { nil: undefined }), plain, (v, d) => {
          const r = interpolateString(`\${V:-${d}}`, lookupIn({ V: v }));
          expect(r.value).toBe(v === undefined || v === '' ? d : v);
          expect(r.unset).toEqual([]);
        }),
      );
    });
  });
});
