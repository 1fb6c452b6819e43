import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { BuildSpec } from '@berth/api';
import { buildOptions, readBuildContext } from './build-context.js';

const root = mkdtempSync(join(tmpdir(), 'berth-build-context-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

const build = (overrides: Partial<BuildSpec> = {}): BuildSpec => ({ context: 'app', args: {}, labels: {}, ...overrides });

describe('readBuildContext', () => {
  mkdirSync(join(root, 'app', 'src', 'deep'), { recursive: true });
  mkdirSync(join(root, 'app', 'empty'));
  writeFileSync(join(root, 'app', 'Dockerfile'), 'FROM scratch\n');
  writeFileSync(join(root, 'app', 'src', 'deep', 'main.txt'), 'x');

  it('lists files and empty directories relative to a context resolved against the project', async () => {
    const ctx = await readBuildContext(build(), root, 'web');
    expect(ctx.context).toBe(join(root, 'app'));
    expect([...ctx.src].sort()).toEqual(['Dockerfile', 'empty', 'src/deep/main.txt']);
  });

  it.each<[string, Partial<BuildSpec>, RegExp]>([
    ['a missing context', { context: 'nope' }, /build context .*nope is not a readable directory/],
    ['a remote context', { context: 'https://example.com/app.git' }, /remote build contexts .* are not supported/],
    ['an inline Dockerfile', { dockerfileInline: 'FROM scratch' }, /dockerfile_inline is not supported/],
  ])('refuses %s', async (_, overrides, message) => {
    await expect(readBuildContext(build(overrides), root, 'web')).rejects.toThrow(message);
  });
});

describe('buildOptions', () => {
  it('maps tag, Dockerfile inside the context, args without nulls, target and labels', () => {
    const spec = build({ dockerfile: 'docker/Dockerfile.prod', args: { A: '1', B: null }, target: 'prod', labels: { l: 'v' } });
    expect(buildOptions(spec, '/ctx', 'shop-web')).toEqual({
      t: 'shop-web',
      dockerfile: 'docker/Dockerfile.prod',
      buildargs: { A: '1' },
      labels: { l: 'v' },
      target: 'prod',
      rm: true,
      forcerm: true,
    });
  });

  it.each<[string, string | undefined]>([
    ['/ctx/sub/Dockerfile', 'sub/Dockerfile'],
    ['/elsewhere/Dockerfile', undefined],
  ])('an absolute Dockerfile %s', (dockerfile, inside) => {
    const run = (): unknown => buildOptions(build({ dockerfile }), '/ctx', 't');
    if (inside === undefined) expect(run).toThrow(/outside the build context/);
    else expect(run()).toMatchObject({ dockerfile: inside });
  });
});
