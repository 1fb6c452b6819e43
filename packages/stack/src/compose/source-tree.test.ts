import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { pathToString } from '../diagnostics.js';
import { SourceMap } from '../source-map.js';
import { SourceTree, copyEntriesWhere, parsePrintedPath } from './source-tree.js';

const pos = (line: number) => ({ value: { file: 'f.yaml', line, col: 1 } });

describe('parsePrintedPath', () => {
  const cases: [string, (string | number)[] | undefined][] = [
    ['', []],
    ['services.web.ports[0]', ['services', 'web', 'ports', 0]],
    ['labels["a.b"]', ['labels', 'a.b']],
    ['["0"][0]', ['0', 0]],
    ['x["say \\"hi\\""]', ['x', 'say "hi"']],
    ['.lead', undefined],
    ['a..b', undefined],
    ['a[x]', undefined],
  ];
  it.each(cases)('%s', (printed, expected) => {
    expect(parsePrintedPath(printed)).toEqual(expected);
  });

  it('inverts pathToString', () => {
    const seg = fc.oneof(fc.string({ maxLength: 8 }), fc.nat({ max: 1000 }));
    fc.assert(fc.property(fc.array(seg, { maxLength: 6 }), (path) => {
      expect(parsePrintedPath(pathToString(path))).toEqual(path);
    }));
  });
});

describe('SourceTree', () => {
  const map = new SourceMap();
  map.set(['services', 'base'], pos(1));
  map.set(['services', 'base', 'image'], pos(2));
  map.set(['services', 'base', 'ports', 0], pos(3));
  map.set(['services', 'base-2', 'image'], pos(4));
  map.set(['services', 'a.b'], pos(5));
  const tree = SourceTree.from(map);

  it('copies exactly one subtree to a new root', () => {
    const out = new SourceMap();
    tree.copyInto(out, ['services', 'base'], ['services', 'web']);
    expect([...out.entries()].map(([k, v]) => [k, v.value.line])).toEqual([
      ['services.web', 1],
      ['services.web.image', 2],
      ['services.web.ports[0]', 3],
    ]);
  });

  it('answers exact lookups and ignores unknown subtrees', () => {
    expect(tree.get(['services', 'a.b'])).toEqual(pos(5));
    expect(tree.get(['services'])).toBeUndefined();
    const out = new SourceMap();
    tree.copyInto(out, ['nope'], ['x']);
    expect([...out.entries()]).toEqual([]);
  });

  it('copyEntriesWhere copies the entries the predicate keeps, at their own paths', () => {
    const out = new SourceMap();
    copyEntriesWhere(out, map, (p) => p[1] !== 'base');
    expect([...out.entries()].map(([k]) => k)).toEqual(['services.base-2.image', 'services["a.b"]']);
  });
});
