import { chmodSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import { readEnvFile } from './read-env-file.js';

const dir = mkdtempSync(path.join(tmpdir(), 'berth-envfile-'));
const write = (name: string, data: string | Buffer): string => {
  const file = path.join(dir, name);
  writeFileSync(file, data);
  return file;
};

describe('readEnvFile', () => {
  it('reads values and passes lookup through', () => {
    const file = write('ok.env', 'A=1\nB=${HOST_VAR}\nINHERIT\n');
    expect(readEnvFile(file, lookupIn({ HOST_VAR: 'h', INHERIT: 'i' }))).toEqual({
      values: { A: '1', B: 'h', INHERIT: 'i' },
      diagnostics: [],
    });
  });

  it('honours the raw option', () => {
    const file = write('raw.env', 'A="${X}"\n');
    expect(readEnvFile(file, lookupIn({}), { raw: true }).values).toEqual({ A: '"${X}"' });
    expect(readEnvFile(file, lookupIn({})).values).toEqual({ A: '' });
  });

  it('turns parse errors into diagnostics positioned in the file', () => {
    const file = write('bad.env', 'A=1\n\nBAD KEY=2\nC=${1X}\n');
    const r = readEnvFile(file, lookupIn({}));
    expect(r.values).toEqual({ A: '1', C: '${1X}' });
    expect(r.diagnostics).toEqual([
      { severity: 'error', path: '', message: 'key cannot contain a space', pos: { file, line: 3, col: 1 } },
      { severity: 'error', path: '', message: 'invalid interpolation format: "${1X}"', pos: { file, line: 4, col: 1 } },
    ]);
    expect(formatDiagnostic(r.diagnostics[0]!)).toBe(`${file}:3:1 key cannot contain a space`);
  });

  it('reports a missing file as one diagnostic instead of throwing', () => {
    expect(readEnvFile('./x.env', lookupIn({}))).toEqual({
      values: {},
      diagnostics: [{ severity: 'error', path: '', message: 'env file ./x.env not found' }],
    });
  });

  it('reports a directory as one diagnostic', () => {
    const r = readEnvFile(dir, lookupIn({}));
    expect(r.values).toEqual({});
    expect(r.diagnostics).toEqual([{ severity: 'error', path: '', message: `env file ${dir} is a directory, not a file` }]);
  });

  it.skipIf(process.getuid?.() === 0 || process.platform === 'win32')('reports an unreadable file', () => {
    const file = write('secret.env', 'A=1\n');
    chmodSync(file, 0o000);
    expect(readEnvFile(file, lookupIn({})).diagnostics).toEqual([
      { severity: 'error', path: '', message: `env file ${file} cannot be read: permission denied` },
    ]);
  });

  it('reports other failures with the system reason', () => {
    const long = path.join(dir, 'n'.repeat(5000));
    const [tooLong] = readEnvFile(long, lookupIn({})).diagnostics;
    expect(tooLong?.message).toMatch(new RegExp(`^env file ${long} cannot be read: .*ENAMETOOLONG`));
    const [badName] = readEnvFile('bad\0name.env', lookupIn({})).diagnostics;
    expect(badName?.message).toMatch(/^env file bad\0name\.env cannot be read: /);
  });

  it('decodes UTF-8 with a BOM', () => {
    const file = write('bom.env', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('A=é\r\n', 'utf8')]));
    expect(readEnvFile(file, lookupIn({})).values).toEqual({ A: 'é' });
  });
});
