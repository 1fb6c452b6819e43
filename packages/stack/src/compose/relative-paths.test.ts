import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MergeTag, type RawMap } from '../raw-model.js';
import { resolveRelativePaths } from './relative-paths.js';

const BASE = '/proj/app';
const HOME = '/home/me';
const resolve = (model: RawMap): RawMap => resolveRelativePaths(model, BASE, HOME);
const service = (svc: RawMap): unknown => (resolve({ services: { web: svc } })['services'] as RawMap)['web'];

describe('resolveRelativePaths: service attributes', () => {
  const cases: { name: string; given: RawMap; expected: unknown }[] = [
    { name: 'build context string', given: { build: '.' }, expected: { build: '/proj/app' } },
    { name: 'build context, long form', given: { build: { context: '../lib', dockerfile: 'Dockerfile' } }, expected: { build: { context: '/proj/lib', dockerfile: 'Dockerfile' } } },
    { name: 'build context in home', given: { build: '~/src' }, expected: { build: '/home/me/src' } },
    { name: 'build context URL stays', given: { build: 'https://github.com/a/b.git#main' }, expected: { build: 'https://github.com/a/b.git#main' } },
    { name: 'build context git@ stays', given: { build: { context: 'git@github.com:a/b.git' } }, expected: { build: { context: 'git@github.com:a/b.git' } } },
    { name: 'build context github.com/ stays', given: { build: 'github.com/a/b' }, expected: { build: 'github.com/a/b' } },
    {
      name: 'additional_contexts stay',
      given: { build: { context: '.', additional_contexts: { base: 'service:base', src: './src' } } },
      expected: { build: { context: '/proj/app', additional_contexts: { base: 'service:base', src: './src' } } },
    },
    { name: 'env_file string', given: { env_file: '.env' }, expected: { env_file: '/proj/app/.env' } },
    {
      name: 'env_file list with long form',
      given: { env_file: ['a.env', { path: '../b.env', required: false }, '/abs.env'] },
      expected: { env_file: ['/proj/app/a.env', { path: '/proj/b.env', required: false }, '/abs.env'] },
    },
    { name: 'label_file string and list', given: { label_file: ['l1', '~/l2'] }, expected: { label_file: ['/proj/app/l1', '/home/me/l2'] } },
    {
      name: 'short volume syntax: only host paths change',
      given: { volumes: ['./data:/data', '../x:/y:ro', '~/cfg:/cfg', '~:/h', '.:/src', 'data:/data', '/abs:/abs', '/anon', 'named:/n:rw'] },
      expected: {
        volumes: ['/proj/app/data:/data', '/proj/x:/y:ro', '/home/me/cfg:/cfg', '/home/me:/h', '/proj/app:/src', 'data:/data', '/abs:/abs', '/anon', 'named:/n:rw'],
      },
    },
    {
      name: 'long volume syntax: bind sources change, volume sources do not',
      given: {
        volumes: [
          { type: 'bind', source: './conf', target: '/c' },
          { type: 'bind', source: 'rel', target: '/r' },
          { type: 'volume', source: 'data', target: '/d' },
        ],
      },
      expected: {
        volumes: [
          { type: 'bind', source: '/proj/app/conf', target: '/c' },
          { type: 'bind', source: '/proj/app/rel', target: '/r' },
          { type: 'volume', source: 'data', target: '/d' },
        ],
      },
    },
    { name: 'extends.file', given: { extends: { service: 'base', file: 'common.yaml' } }, expected: { extends: { service: 'base', file: '/proj/app/common.yaml' } } },
    { name: 'extends by name stays', given: { extends: 'base' }, expected: { extends: 'base' } },
    { name: 'unrelated attributes stay', given: { image: './not-a-path', working_dir: './w', command: ['./run'] }, expected: { image: './not-a-path', working_dir: './w', command: ['./run'] } },
  ];
  it.each(cases)('$name', ({ given, expected }) => {
    expect(service(given)).toEqual(expected);
  });

  it('looks through merge tags and keeps them', () => {
    const out = service({ volumes: new MergeTag('!override', ['./a:/a']), env_file: new MergeTag('!reset', []) });
    expect(out).toEqual({ volumes: new MergeTag('!override', ['/proj/app/a:/a']), env_file: new MergeTag('!reset', []) });
  });
});

describe('resolveRelativePaths: top-level sections', () => {
  it('resolves secret and config files, not their other sources', () => {
    const out = resolve({
      secrets: { s: { file: './s.txt' }, e: { environment: 'TOKEN' } },
      configs: { c: { file: '~/c.conf' }, x: { external: true } },
    });
    expect(out).toEqual({
      secrets: { s: { file: '/proj/app/s.txt' }, e: { environment: 'TOKEN' } },
      configs: { c: { file: '/home/me/c.conf' }, x: { external: true } },
    });
  });

  it('resolves include entries in short and long form', () => {
    const out = resolve({
      include: ['a.yaml', { path: ['../b.yaml', 'c.yaml'], env_file: '.env.b', project_directory: '..' }, { path: 'd.yaml', env_file: ['x.env'] }],
    });
    expect(out['include']).toEqual([
      '/proj/app/a.yaml',
      { path: ['/proj/b.yaml', '/proj/app/c.yaml'], env_file: '/proj/app/.env.b', project_directory: '/proj' },
      { path: '/proj/app/d.yaml', env_file: ['/proj/app/x.env'] },
    ]);
  });
});

describe('resolveRelativePaths: properties', () => {
  const segment = fc.stringMatching(/^[a-z][a-z0-9]{0,5}$/);
  it('makes every relative bind source absolute below the base directory, and leaves named volumes', () => {
    fc.assert(
      fc.property(fc.array(segment, { minLength: 1, maxLength: 3 }), segment, (parts, name) => {
        const rel = `./${parts.join('/')}:/t`;
        const out = service({ volumes: [rel, `${name}:/n`] }) as { volumes: string[] };
        expect(out.volumes[0]).toBe(`${BASE}/${parts.join('/')}:/t`);
        expect(out.volumes[1]).toBe(`${name}:/n`);
      }),
    );
  });

  it('never changes its input', () => {
    const model: RawMap = { services: { web: { build: '.', volumes: ['./a:/a'] } }, include: ['x.yaml'] };
    const before = JSON.stringify(model);
    resolve(model);
    expect(JSON.stringify(model)).toBe(before);
  });
});

describe('resolveRelativePaths for process-driver services', () => {
  it('resolves working_dir on the host and defaults it to the base directory', () => {
    const model = {
      services: {
        p: { command: ['x'], 'x-berth': { driver: 'process' } },
        q: { command: ['x'], working_dir: 'sub', 'x-berth': { driver: 'process' } },
        d: { image: 'i', working_dir: 'app' },
      },
    };
    const out = resolveRelativePaths(model, '/base', '/home/u') as { services: Record<string, { working_dir?: string }> };
    expect(out.services['p']?.working_dir).toBe('/base');
    expect(out.services['q']?.working_dir).toBe('/base/sub');
    // A container path is left alone.
    expect(out.services['d']?.working_dir).toBe('app');
  });
});
