import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { MergeTag } from './raw-model.js';
import { parseStackText, readStackFile } from './yaml-source.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-yaml-'));
const write = (name: string, data: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
};
const parse = (text: string) => parseStackText(text, '/x/stack.yaml', 'stack.yaml');

describe('parseStackText', () => {
  it('builds plain data and records value and key positions', () => {
    const r = parse('services:\n  web:\n    ports:\n      - "80800"\n');
    expect(r.diagnostics).toEqual([]);
    expect(r.loaded?.model).toEqual({ services: { web: { ports: ['80800'] } } });
    expect(r.loaded?.sources.locate(['services', 'web', 'ports', 0])).toEqual({ file: 'stack.yaml', line: 4, col: 9 });
    expect(r.loaded?.sources.locate(['services', 'web'], true)).toEqual({ file: 'stack.yaml', line: 2, col: 3 });
    // A path below a scalar falls back to the nearest recorded ancestor.
    expect(r.loaded?.sources.locate(['services', 'web', 'ports', 0, 'x'])).toEqual({ file: 'stack.yaml', line: 4, col: 9 });
  });

  it('reports YAML syntax errors with their position and no model', () => {
    const r = parse('services:\n  web: [\n');
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
    expect(r.diagnostics[0]?.pos?.file).toBe('stack.yaml');
    expect(r.diagnostics[0]?.severity).toBe('error');
  });

  it('rejects duplicate keys', () => {
    const r = parse('services:\n  a: {}\n  a: {}\n');
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics[0]?.message).toMatch(/unique/i);
    expect(r.diagnostics[0]?.pos?.line).toBe(3);
  });

  it('expands merge keys without overriding explicit keys', () => {
    const r = parse('x-d: &d {image: a, restart: always}\nservices:\n  web:\n    <<: *d\n    image: b\n');
    expect(r.loaded?.model['services']).toEqual({ web: { image: 'b', restart: 'always' } });
  });

  it('keeps !reset and !override as merge tags', () => {
    const r = parse('services:\n  web:\n    ports: !reset []\n    environment: !override {A: "1"}\n');
    const web = (r.loaded?.model['services'] as Record<string, Record<string, unknown>>)['web'];
    expect(web?.['ports']).toEqual(new MergeTag('!reset', []));
    expect(web?.['environment']).toEqual(new MergeTag('!override', { A: '1' }));
    const scalars = parse('a: !override 3\nb: !reset null\nc: !override "3"\n').loaded?.model;
    expect(scalars).toEqual({ a: new MergeTag('!override', 3), b: new MergeTag('!reset', null), c: new MergeTag('!override', '3') });
  });

  it('reads YAML 1.1 octal like Compose does', () => {
    const r = parse('secrets:\n  s:\n    mode: 0440\n    other: 0o17\n    dec: 440\n');
    expect(r.loaded?.model['secrets']).toEqual({ s: { mode: 288, other: 15, dec: 440 } });
  });

  it('stops an alias bomb quickly with a clear error', () => {
    const lines = ['a0: &a0 ["lol","lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 1; i <= 9; i++) lines.push(`a${i}: &a${i} [${Array(10).fill(`*a${i - 1}`).join(',')}]`);
    lines.push('services: {}');
    const r = parse(lines.join('\n'));
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.map((d) => d.message).join('\n')).toMatch(/alias bomb/);
  });

  it('rejects a recursive alias', () => {
    const r = parse('a: &a [*a]\n');
    expect(r.loaded).toBeUndefined();
    expect(r.diagnostics.length).toBeGreaterThan(0);
  });

  it('rejects a top level that is not a mapping, an empty file and multiple documents', () => {
    expect(parse('- a\n- b\n').diagnostics[0]?.message).toMatch(/top level must be a mapping/);
    expect(parse('').diagnostics[0]?.message).toBe('empty stack file');
    expect(parse('# only a comment\n').diagnostics[0]?.message).toBe('empty stack file');
    expect(parse('a: 1\n---\nb: 2\n').diagnostics[0]?.message).toMatch(/more than one YAML document/);
  });

  it('never throws, whatever the text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 200 }), (s) => {
        const r = parse(s);
        expect(r.loaded !== undefined || r.diagnostics.some((d) => d.severity === 'error')).toBe(true);
      }),
      { numRuns: 300 },
    );
  });
});

describe('readStackFile', () => {
  it('rejects a 50 MB file quickly without reading it', () => {
    const file = write('big.yaml', Buffer.alloc(50 * 1024 * 1024, 0x61));
    const r = readStackFile(file, dir);
    expect(r.diagnostics[0]?.message).toMatch(/too large \(50\.0 MiB/);
  });

  it('rejects binary data and invalid UTF-8', () => {
    expect(readStackFile(write('bin.yaml', Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1])), dir).diagnostics[0]?.message).toMatch(
      /not a text file \(NUL byte at offset 4\)/,
    );
    expect(readStackFile(write('latin1.yaml', Buffer.from([0x61, 0x3a, 0x20, 0xe9])), dir).diagnostics[0]?.message).toMatch(
      /invalid UTF-8/,
    );
  });

  it('reports a missing file and a directory', () => {
    expect(readStackFile(path.join(dir, 'nope.yaml'), dir).diagnostics[0]?.message).toBe('nope.yaml: no such file');
    expect(readStackFile(dir, dir).diagnostics[0]?.message).toMatch(/is a directory/);
  });

  it('strips a UTF-8 BOM and shows paths relative to cwd', () => {
    const file = write('bom.yaml', '\ufeffservices:\n  a: {image: x}\n');
    const r = readStackFile(file, dir);
    expect(r.loaded?.model).toEqual({ services: { a: { image: 'x' } } });
    expect(r.loaded?.sources.locate(['services', 'a', 'image'])?.file).toBe('bom.yaml');
  });
});
