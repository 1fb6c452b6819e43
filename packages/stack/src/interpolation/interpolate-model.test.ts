import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import { MergeTag, type RawMap, type RawValue } from '../raw-model.js';
import { interpolateModel } from './interpolate-model.js';

const env = lookupIn({ TAG: '1.2', PORT: '8080', EMPTY: '' });

describe('interpolateModel', () => {
  it('interpolates mapping values, sequence items and tagged values, not keys', () => {
    const model: RawMap = {
      services: {
        web: {
          image: 'nginx:${TAG}',
          ports: ['${PORT}:80', 443],
          labels: { '${TAG}': '$$literal' },
          environment: new MergeTag('!override', { A: '${PORT:-1}' }),
          command: new MergeTag('!reset', null),
          read_only: true,
        },
      },
    };
    const diag = new Diagnostics();
    const out = interpolateModel(model, env, diag);
    expect(diag.items).toEqual([]);
    expect(out).toEqual({
      services: {
        web: {
          image: 'nginx:1.2',
          ports: ['8080:80', 443],
          labels: { '${TAG}': '$literal' },
          environment: new MergeTag('!override', { A: '8080' }),
          command: new MergeTag('!reset', null),
          read_only: true,
        },
      },
    });
  });

  it('returns scalars that are not strings unchanged', () => {
    const diag = new Diagnostics();
    for (const v of [null, 0, -1.5, true, false]) expect(interpolateModel(v, env, diag)).toBe(v);
    expect(interpolateModel('${PORT}', env, diag)).toBe('8080');
    expect(diag.items).toEqual([]);
  });

  it('does not change its input', () => {
    const model: RawMap = { a: ['${TAG}', { b: '${PORT}' }], t: new MergeTag('!override', ['${TAG}']) };
    const before = structuredClone({ ...model, t: null });
    const out = interpolateModel(model, env, new Diagnostics());
    expect({ ...model, t: null }).toEqual(before);
    expect((model.t as MergeTag).value).toEqual(['${TAG}']);
    expect(out).not.toBe(model);
  });

  it('reports errors at the path of the value', () => {
    const diag = new Diagnostics();
    const model: RawMap = { services: { web: { image: '${IMAGE:?set IMAGE}', ports: ['${1X}'] } } };
    const out = interpolateModel(model, env, diag);
    expect(diag.items).toEqual([
      { severity: 'error', path: 'services.web.image', message: 'required variable IMAGE is missing a value: set IMAGE' },
      { severity: 'error', path: 'services.web.ports[0]', message: 'invalid interpolation format: "${1X}"' },
    ]);
    expect(out).toEqual({ services: { web: { image: '', ports: ['${1X}'] } } });
  });

  it('warns once per unset variable, at its first use in document order', () => {
    const diag = new Diagnostics();
    const model: RawMap = {
      a: { deep: ['x', { v: '$FOO' }] },
      b: '${FOO} ${BAR}',
      c: ['$BAR', '${FOO:-ok}'],
    };
    const out = interpolateModel(model, env, diag);
    expect(diag.items).toEqual([
      { severity: 'warning', path: 'a.deep[1].v', message: 'variable "FOO" is not set; substituting an empty string' },
      { severity: 'warning', path: 'b', message: 'variable "BAR" is not set; substituting an empty string' },
    ]);
    expect(out).toEqual({ a: { deep: ['x', { v: '' }] }, b: ' ', c: ['', 'ok'] });
  });

  it('warns again in a separate call', () => {
    const diag = new Diagnostics();
    interpolateModel({ a: '$FOO' }, env, diag);
    interpolateModel({ b: '$FOO' }, env, diag);
    expect(diag.warnings.map((d) => d.path)).toEqual(['a', 'b']);
  });

  it('prefixes paths with the given path', () => {
    const diag = new Diagnostics();
    interpolateModel({ image: '$NOPE' }, env, diag, ['services', 'web']);
    interpolateModel('${A B}', env, diag, ['x-meta', 3]);
    expect(diag.items.map((d) => d.path)).toEqual(['services.web.image', 'x-meta[3]']);
  });

  it('keeps odd keys as plain data', () => {
    const model = JSON.parse('{"__proto__": "${TAG}", "a.b": "${PORT}"}') as RawMap;
    const out = interpolateModel(model, env, new Diagnostics()) as RawMap;
    expect(Object.keys(out)).toEqual(['__proto__', 'a.b']);
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype);
    expect(out['__proto__']).toBe('1.2');
  });

  it('copies shared subtrees once and survives cycles', () => {
    const shared: RawMap = { v: '${TAG}' };
    const cyclic: RawValue[] = ['${PORT}'];
    cyclic.push(cyclic);
    const out = interpolateModel({ a: shared, b: shared, c: cyclic }, env, new Diagnostics()) as RawMap;
    expect(out.a).toEqual({ v: '1.2' });
    expect(out.b).toBe(out.a);
    const c = out.c as RawValue[];
    expect(c[0]).toBe('8080');
    expect(c[1]).toBe(c);
  });

  it('handles very deep trees without recursion trouble', () => {
    const depth = 200_000;
    let model: RawValue = '${TAG}';
    for (let i = 0; i < depth; i++) model = i % 2 === 0 ? [model] : { k: model };
    const diag = new Diagnostics();
    let out = interpolateModel(model, env, diag);
    for (let i = depth - 1; i >= 0; i--) out = i % 2 === 0 ? (out as RawValue[])[0]! : (out as RawMap).k!;
    expect(out).toBe('1.2');
    expect(diag.items).toEqual([]);
  });

  it('is the identity on trees without $ and never throws', () => {
    const noDollar = fc.string().filter((s) => !s.includes('$'));
    const tree = fc.letrec<{ node: RawValue }>((tie) => ({
      node: fc.oneof(
        { depthSize: 'small', withCrossShrink: true },
        noDollar,
        fc.integer(),
        fc.boolean(),
        fc.constant(null),
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    fc.assert(
      fc.property(tree, (t) => {
        const diag = new Diagnostics();
        expect(interpolateModel(t, env, diag)).toEqual(t);
        expect(diag.items).toEqual([]);
      }),
    );
    fc.assert(
      fc.property(fc.array(fc.string(), { maxLength: 5 }), (items) => {
        const diag = new Diagnostics();
        const out = interpolateModel({ items }, env, diag) as RawMap;
        expect((out.items as RawValue[]).length).toBe(items.length);
      }),
    );
  });
});
