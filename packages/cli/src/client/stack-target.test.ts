import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { optionalStackTarget, stackTarget } from './stack-target.js';

const root = mkdtempSync(path.join(tmpdir(), 'berth-target-'));
const dir = (name: string, files: Record<string, string> = {}): string => {
  const d = path.join(root, name);
  mkdirSync(d, { recursive: true });
  for (const [file, text] of Object.entries(files)) writeFileSync(path.join(d, file), text);
  return d;
};
const ctx = (cwd: string, env: NodeJS.ProcessEnv = {}): Parameters<typeof stackTarget>[1] & { err: () => string } => {
  const err = new PassThrough();
  let text = '';
  err.on('data', (c: Buffer) => (text += c.toString()));
  return { term: { out: new PassThrough(), err, color: false }, env, cwd, err: () => text };
};

describe('stackTarget', () => {
  it('takes -p first, then COMPOSE_PROJECT_NAME, without reading any file', () => {
    const empty = dir('empty');
    expect(stackTarget({ projectName: 'given' }, ctx(empty, { COMPOSE_PROJECT_NAME: 'env' }))).toBe('given');
    expect(stackTarget({}, ctx(empty, { COMPOSE_PROJECT_NAME: 'env' }))).toBe('env');
  });

  it('rejects a name the loader would reject, as a usage error', () => {
    expect(() => stackTarget({ projectName: 'Bad Name' }, ctx(dir('empty')))).toThrow(/"Bad Name" is not a valid stack name/);
  });

  it('reads the name from the default stack file: top-level name, else the directory', () => {
    expect(stackTarget({}, ctx(dir('named', { 'compose.yaml': 'name: shop\nservices:\n  web:\n    image: nginx\n' })))).toBe('shop');
    expect(stackTarget({}, ctx(dir('My_Dir', { 'stack.yaml': 'services:\n  web:\n    image: nginx\n' })))).toBe('my_dir');
    const d = dir('other', { 'x.yaml': 'name: from-f\nservices: {}\n' });
    expect(stackTarget({ file: ['x.yaml'] }, ctx(d))).toBe('from-f');
  });

  it('prints the loader errors and fails when the files do not load', () => {
    const c = ctx(dir('broken', { 'compose.yaml': 'services:\n  web:\n    imgae: nginx\n' }));
    expect(() => stackTarget({}, c)).toThrow(/pass -p NAME/);
    expect(c.err()).toMatch(/unknown key "imgae"/);
  });

  it('without -p, -f or a stack file: a usage error, or no stack for ps and events', () => {
    expect(() => stackTarget({}, ctx(dir('empty')))).toThrow(/no stack file/);
    expect(optionalStackTarget({}, ctx(dir('empty')))).toBeUndefined();
    expect(() => optionalStackTarget({ file: ['missing.yaml'] }, ctx(dir('empty')))).toThrow(/pass -p NAME/);
  });
});
