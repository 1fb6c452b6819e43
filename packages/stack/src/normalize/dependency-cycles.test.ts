import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { findDependencyCycles, reportDependencyCycles } from './dependency-cycles.js';

describe('dependency cycles', () => {
  it.each<[Record<string, string[]>, string[][]]>([
    [{ a: ['b'], b: [] }, []],
    [{ a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    [{ a: ['a'] }, [['a', 'a']]],
    [{ web: ['api'], api: ['db'], db: ['web'] }, [['web', 'api', 'db', 'web']]],
    [{ x: ['a'], a: ['b'], b: ['a'] }, [['a', 'b', 'a']]],
    [{ a: ['b', 'c'], b: ['d'], c: ['d'], d: [] }, []], // a diamond is not a cycle
    [{ a: ['ghost'] }, []],
  ])('%j', (graph, cycles) => {
    expect(findDependencyCycles(graph)).toEqual(cycles);
  });

  it('reports each cycle at the depends_on of the service it starts from', () => {
    const diag = new Diagnostics();
    reportDependencyCycles({ a: ['b'], b: ['a'] }, diag);
    expect(diag.items).toEqual([{ severity: 'error', path: 'services.a.depends_on', message: 'dependency cycle a → b → a' }]);
  });

  it('finds no cycle in any graph whose edges only point to earlier services', () => {
    fc.assert(
      fc.property(fc.array(fc.array(fc.nat(), { maxLength: 4 }), { maxLength: 30 }), (edges) => {
        const graph = Object.fromEntries(edges.map((to, i) => [`s${i}`, i === 0 ? [] : to.map((t) => `s${t % i}`)]));
        expect(findDependencyCycles(graph)).toEqual([]);
      }),
    );
  });

  it('finds a cycle closing any chain back onto itself', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 30 }), (n) => {
        const graph = Object.fromEntries(Array.from({ length: n }, (_, i) => [`s${i}`, [`s${(i + 1) % n}`]]));
        const cycles = findDependencyCycles(graph);
        expect(cycles).toHaveLength(1);
        expect(cycles[0]).toEqual([...Object.keys(graph), 's0']);
      }),
    );
  });
});
