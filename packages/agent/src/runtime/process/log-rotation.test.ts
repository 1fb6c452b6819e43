import { mkdtempSync, openSync, closeSync, readFileSync, rmSync, writeFileSync, writeSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { rotateLogIfOver, rotatedPath } from './log-rotation.js';

describe('rotateLogIfOver', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-rotate-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('leaves small and missing files alone', async () => {
    const path = join(dir, 'small.log');
    writeFileSync(path, 'hello\n');
    expect(await rotateLogIfOver(path, 100)).toBe(false);
    expect(await rotateLogIfOver(join(dir, 'missing.log'), 100)).toBe(false);
    expect(existsSync(rotatedPath(path))).toBe(false);
  });

  it('moves a large file to .1, replacing the old one, and a writer keeps appending at the start', async () => {
    const path = join(dir, 'big.log');
    writeFileSync(rotatedPath(path), 'old rotation\n');
    // The writer holds an O_APPEND descriptor, as a task's stdout does.
    const fd = openSync(path, 'a');
    try {
      writeSync(fd, 'x'.repeat(150) + '\n');
      expect(await rotateLogIfOver(path, 100)).toBe(true);
      expect(readFileSync(rotatedPath(path), 'utf8')).toBe('x'.repeat(150) + '\n');
      expect(readFileSync(path, 'utf8')).toBe('');
      writeSync(fd, 'after\n');
      expect(readFileSync(path, 'utf8')).toBe('after\n');
    } finally {
      closeSync(fd);
    }
  });
});
