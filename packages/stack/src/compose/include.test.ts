import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic, type ModelPath } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import type { RawMap } from '../raw-model.js';
import { parseStackText } from '../yaml-source.js';
import { applyIncludes, parseIncludeEntry, type IncludeEntry } from './include.js';

function load(name: string, text: string): LoadedModel {
  const r = parseStackText(text, `/p/${name}`, name);
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.loaded;
}

/** applyIncludes on `main` (paths are already absolute, as after resolveRelativePaths). */
function run(main: string, others: Record<string, string>) {
  const diag = new Diagnostics();
  const calls: { entry: IncludeEntry; from: ModelPath }[] = [];
  const result = applyIncludes(load('compose.yaml', main), {
    diag,
    loadInclude: (entry, from) => {
      calls.push({ entry, from });
      const name = (entry.paths[0] as string).replace('/p/', '');
      return others[name] === undefined ? undefined : load(name, others[name]);
    },
  });
  return { result, model: result.model, errors: diag.errors.map(formatDiagnostic), calls };
}

describe('applyIncludes', () => {
  it('adds the included resources and removes include', () => {
    const { model, errors } = run('include:\n  - /p/db.yaml\nservices:\n  web:\n    depends_on: [db]\n', {
      'db.yaml': 'services:\n  db: {image: pg}\nvolumes:\n  data: {}\nnetworks:\n  back: {}\nsecrets:\n  s: {file: /p/s}\nconfigs:\n  c: {file: /p/c}\nname: ignored\n',
    });
    expect(errors).toEqual([]);
    expect(model).toEqual({
      services: { web: { depends_on: ['db'] }, db: { image: 'pg' } },
      volumes: { data: {} },
      networks: { back: {} },
      secrets: { s: { file: '/p/s' } },
      configs: { c: { file: '/p/c' } },
    });
  });

  it('merges the files of one entry first, and loads each with the entry\'s project directory', () => {
    const { model, calls } = run('include:\n  - path: [/p/a.yaml, /p/o/b.yaml]\n    env_file: /p/x.env\n', {
      'a.yaml': 'services:\n  app: {image: a, environment: [A=1]}\n',
      'o/b.yaml': 'services:\n  app: {environment: {B: "2"}}\n',
    });
    expect((model['services'] as RawMap)['app']).toEqual({ image: 'a', environment: { A: '1', B: '2' } });
    expect(calls).toEqual([
      { entry: { paths: ['/p/a.yaml'], envFiles: ['/p/x.env'], projectDirectory: '/p' }, from: ['include', 0, 'path', 0] },
      { entry: { paths: ['/p/o/b.yaml'], envFiles: ['/p/x.env'], projectDirectory: '/p' }, from: ['include', 0, 'path', 1] },
    ]);
  });

  it('reports a resource defined here and in an included file, at the local key', () => {
    const { errors, model } = run('include: [/p/x.yaml]\nservices:\n  web: {image: mine}\n', { 'x.yaml': 'services:\n  web: {image: theirs}\n' });
    expect(errors).toEqual(['compose.yaml:3:3 services.web: defined both here and in included file x.yaml']);
    expect((model['services'] as RawMap)['web']).toEqual({ image: 'mine' });
  });

  it('accepts an identical definition reached twice', () => {
    const shared = 'networks:\n  shared: {driver: bridge}\n';
    const { errors } = run('include: [/p/a.yaml, /p/b.yaml]\n', { 'a.yaml': shared, 'b.yaml': shared });
    expect(errors).toEqual([]);
  });

  it('treats an empty definition and a null one as the same', () => {
    const { errors } = run('include: [/p/a.yaml]\nvolumes:\n  data: {}\n', { 'a.yaml': 'volumes:\n  data:\n' });
    expect(errors).toEqual([]);
  });

  it('reports a conflict between two included files at the later entry', () => {
    const { errors } = run('include:\n  - /p/a.yaml\n  - /p/b.yaml\n', { 'a.yaml': 'services:\n  s: {image: a}\n', 'b.yaml': 'services:\n  s: {image: b}\n' });
    expect(errors).toEqual(['compose.yaml:3:5 include[1]: services.s is defined both in a.yaml and in b.yaml']);
  });

  it('reports a file the loader could not load when the loader said nothing', () => {
    const { errors } = run('include: [/p/none.yaml]\n', {});
    expect(errors).toEqual(['compose.yaml:1:11 include[0]: cannot load included file /p/none.yaml']);
  });

  it('carries the included file\'s positions over', () => {
    const { result } = run('include: [/p/db.yaml]\n', { 'db.yaml': 'services:\n  db:\n    image: pg\n' });
    expect(result.sources.locate(['services', 'db', 'image'])).toEqual({ file: 'db.yaml', line: 3, col: 12 });
    expect(result.sources.get(['include', 0])).toBeUndefined();
  });

  it('does not change the input model', () => {
    const main = load('compose.yaml', 'include: [/p/x.yaml]\nservices:\n  web: {}\n');
    const before = JSON.stringify(main.model);
    applyIncludes(main, { diag: new Diagnostics(), loadInclude: () => load('x.yaml', 'services:\n  x: {}\n') });
    expect(JSON.stringify(main.model)).toBe(before);
  });
});

describe('parseIncludeEntry', () => {
  const cases: { name: string; yaml: string; entry?: IncludeEntry; error?: string }[] = [
    { name: 'short form', yaml: 'a.yaml', entry: { paths: ['a.yaml'], envFiles: [] } },
    { name: 'long form, one path', yaml: '{path: a.yaml, env_file: e.env, project_directory: ..}', entry: { paths: ['a.yaml'], envFiles: ['e.env'], projectDirectory: '..' } },
    { name: 'long form, path list and env_file list', yaml: '{path: [a.yaml, b.yaml], env_file: [1.env, 2.env]}', entry: { paths: ['a.yaml', 'b.yaml'], envFiles: ['1.env', '2.env'] } },
    { name: 'missing path', yaml: '{env_file: e.env}', error: 'include needs "path"' },
    { name: 'bad env_file', yaml: '{path: a.yaml, env_file: {x: 1}}', error: 'env_file must be a file or a list of files' },
    { name: 'not a string or mapping', yaml: '[a.yaml]', error: 'an include entry must be a file path' },
  ];
  it.each(cases)('$name', ({ yaml, entry, error }) => {
    const diag = new Diagnostics();
    const item = load('i.yaml', `x: ${yaml}\n`).model['x'] ?? null;
    expect(parseIncludeEntry(item, ['include', 0], diag)).toEqual(entry);
    expect(diag.errors.map((d) => d.message).join()).toContain(error ?? '');
    if (!error) expect(diag.errors).toEqual([]);
  });
});
