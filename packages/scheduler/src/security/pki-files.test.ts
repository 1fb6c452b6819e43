import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ensurePrivateDir, formatRevoked, parseRevoked, readOptionalFile, writeFileAtomicSync } from './pki-files.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-pki-files-'));
  dirs.push(dir);
  return dir;
}

describe('pki files', () => {
  it('writes atomically with the requested mode and leaves no temp file', () => {
    const dir = path.join(tempDir(), 'pki');
    ensurePrivateDir(dir);
    expect(statSync(dir).mode & 0o777).toBe(0o700);
    const file = path.join(dir, 'secret');
    writeFileAtomicSync(file, 'one');
    writeFileAtomicSync(file, 'two');
    expect(readFileSync(file, 'utf8')).toBe('two');
    expect(statSync(file).mode & 0o777).toBe(0o600);
    writeFileAtomicSync(path.join(dir, 'public'), 'cert', 0o644);
    expect(statSync(path.join(dir, 'public')).mode & 0o777).toBe(0o644);
    expect(readdirSync(dir).sort()).toEqual(['public', 'secret']);
  });

  it('reads a missing file as undefined', () => {
    expect(readOptionalFile(path.join(tempDir(), 'nope'))).toBeUndefined();
  });

  it('round-trips the revoked list, sorted', () => {
    expect(parseRevoked(formatRevoked(['b', 'a']), 'f')).toEqual(['a', 'b']);
  });

  it.each(['not json', '[]', '{"nodeIds": [1]}', 'null'])('refuses revoked.json %j', (text) => {
    expect(() => parseRevoked(text, '/x/revoked.json')).toThrow(expect.objectContaining({ code: 'FILE_UNREADABLE' }));
  });
});
