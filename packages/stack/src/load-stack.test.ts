import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from './diagnostics.js';
import { loadStack, type LoadResult } from './load-stack.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-load-'));
const write = (name: string, text: string): string => {
  const file = path.join(dir, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, text);
  return file;
};
const load = (files: string[], extra: Partial<Parameters<typeof loadStack>[0]> = {}): LoadResult =>
  loadStack({ files, cwd: dir, env: {}, home: '/home/u', ...extra });
const messages = (r: LoadResult): string[] => r.errors.map(formatDiagnostic);

describe('loadStack', () => {
  it('reports every error at once, sorted by position, and returns no stack', () => {
    write('multi.yaml', 'services:\n  a:\n    image: x\n    ports: ["99999"]\n  b:\n    imag: y\n  c:\n    image: z\n    depends_on: [nope]\n');
    const r = load(['multi.yaml']);
    expect(r.stack).toBeUndefined();
    expect(messages(r)).toEqual([
      'multi.yaml:4:13 services.a.ports[0]: "99999" is not a valid port',
      'multi.yaml:6:5 services.b.imag: unknown key "imag"; did you mean "image"?',
      'multi.yaml:6:5 services.b: service "b" has neither an image nor a build section',
      expect.stringMatching(/^multi\.yaml:9:\d+ services\.c\.depends_on.*undefined service "nope"/),
    ]);
  });

  it('points at the override file for a value that came from it', () => {
    write('base.yaml', 'services:\n  web:\n    image: nginx\n');
    write('over.yaml', 'services:\n  web:\n    restart: sometimes\n');
    const r = load(['base.yaml', 'over.yaml']);
    expect(r.errors).toHaveLength(1);
    expect(r.errors[0]?.pos).toMatchObject({ file: 'over.yaml', line: 3 });
  });

  it('detects include cycles and extends cycles with positions', () => {
    write('inc-a.yaml', 'include: [inc-b.yaml]\nservices:\n  a: {image: x}\n');
    write('inc-b.yaml', 'include: [inc-a.yaml]\nservices:\n  b: {image: y}\n');
    const inc = load(['inc-a.yaml']);
    expect(inc.stack).toBeUndefined();
    expect(messages(inc).join('\n')).toMatch(/include cycle: inc-a\.yaml → inc-b\.yaml → inc-a\.yaml/);
    write('ext.yaml', 'services:\n  a:\n    extends: b\n  b:\n    extends: a\n');
    const ext = load(['ext.yaml']);
    expect(messages(ext).join('\n')).toMatch(/extends cycle/);
    expect(ext.errors.every((e) => e.pos !== undefined)).toBe(true);
  });

  it('resolves paths of an included file against its own directory', () => {
    write('sub/inc.yaml', 'services:\n  db:\n    image: pg\n    volumes: ["./data:/data"]\n');
    write('top.yaml', 'include: [sub/inc.yaml]\nservices:\n  web:\n    image: nginx\n    volumes: ["./html:/usr/share/nginx/html"]\n');
    const r = load(['top.yaml']);
    expect(r.errors).toEqual([]);
    const mount = (svc: string) => r.stack?.services[svc]?.volumes[0];
    expect(mount('db')).toMatchObject({ type: 'bind', source: path.join(dir, 'sub/data') });
    expect(mount('web')).toMatchObject({ type: 'bind', source: path.join(dir, 'html') });
  });

  it('takes the project name from -p, then COMPOSE_PROJECT_NAME, then name:, then the directory', () => {
    write('named/stack.yaml', 'name: fromfile\nservices:\n  a: {image: x}\n');
    expect(load(['named/stack.yaml'], { projectName: 'flag' }).stack?.name).toBe('flag');
    expect(load(['named/stack.yaml'], { env: { COMPOSE_PROJECT_NAME: 'envname' } }).stack?.name).toBe('envname');
    expect(load(['named/stack.yaml']).stack?.name).toBe('fromfile');
    write('My Dir.x/stack.yaml', 'services:\n  a: {image: x}\n');
    expect(load(['My Dir.x/stack.yaml']).stack?.name).toBe('mydirx');
    expect(messages(load(['named/stack.yaml'], { projectName: 'Bad Name' })).join('\n')).toMatch(/not a valid project name/);
  });

  it('does not repeat the consequences of an interpolation error', () => {
    write('req.yaml', 'services:\n  a:\n    image: ${IMG:?set IMG}\n');
    const r = load(['req.yaml']);
    expect(messages(r)).toEqual(['req.yaml:3:12 services.a.image: required variable IMG is missing a value: set IMG']);
  });

  it('uses --env-file instead of the default .env and lets the environment win', () => {
    write('envdir/.env', 'TAG=dotenv\n');
    write('envdir/other.env', 'TAG=other\n');
    write('envdir/stack.yaml', 'services:\n  a: {image: "x:${TAG}"}\n');
    expect(load(['envdir/stack.yaml']).stack?.services['a']?.image).toBe('x:dotenv');
    expect(load(['envdir/stack.yaml'], { envFiles: ['envdir/other.env'] }).stack?.services['a']?.image).toBe('x:other');
    expect(load(['envdir/stack.yaml'], { env: { TAG: 'shell' } }).stack?.services['a']?.image).toBe('x:shell');
  });

  it('never throws on arbitrary data written as YAML; every failure is a diagnostic', () => {
    const file = path.join(dir, 'fuzz.yaml');
    const value = fc.oneof(fc.jsonValue({ maxDepth: 4 }), fc.record({ services: fc.dictionary(fc.string({ maxLength: 8 }), fc.jsonValue({ maxDepth: 3 })) }));
    fc.assert(
      fc.property(value, (v) => {
        writeFileSync(file, stringify(v));
        const r = load([file]);
        expect(r.stack !== undefined || r.errors.length > 0).toBe(true);
        for (const e of r.errors) expect(typeof e.message).toBe('string');
      }),
      { numRuns: 200 },
    );
  });
});
