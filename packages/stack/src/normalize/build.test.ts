import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import { normalizeBuild } from './build.js';

describe('normalizeBuild', () => {
  const lookup = lookupIn({ VERSION: '1.2.3' });

  it('reads a context string and the full mapping', () => {
    const diag = new Diagnostics();
    expect(normalizeBuild('/p/app', ['b'], lookup, diag)).toEqual({ context: '/p/app', args: {}, labels: {} });
    expect(
      normalizeBuild(
        { context: '/p/app', dockerfile: 'Dockerfile.prod', args: ['VERSION', 'MODE=prod', 'UNSET'], target: 'runtime', labels: { team: 'web' } },
        ['b'],
        lookup,
        diag,
      ),
    ).toEqual({
      context: '/p/app',
      dockerfile: 'Dockerfile.prod',
      args: { VERSION: '1.2.3', MODE: 'prod', UNSET: null },
      target: 'runtime',
      labels: { team: 'web' },
    });
    expect(normalizeBuild({ dockerfile_inline: 'FROM alpine' }, ['b'], lookup, diag)).toEqual({
      context: '.', dockerfileInline: 'FROM alpine', args: {}, labels: {},
    });
    expect(diag.items).toEqual([]);
  });

  it('reports dockerfile together with dockerfile_inline, and is undefined when absent', () => {
    const diag = new Diagnostics();
    normalizeBuild({ context: '/p', dockerfile: 'D', dockerfile_inline: 'FROM x' }, ['services', 'web', 'build'], lookup, diag);
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.web.build.dockerfile_inline: dockerfile and dockerfile_inline cannot both be set',
    ]);
    expect(normalizeBuild(undefined, ['b'], lookup, diag)).toBeUndefined();
  });
});
