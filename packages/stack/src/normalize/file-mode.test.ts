import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { parseFileMode, readFileMode } from './file-mode.js';

describe('file modes', () => {
  it.each([
    ['0440', 0o440],
    ['440', 0o440],
    ['1777', 0o1777],
    ['0o600', 0o600],
    ['0', 0],
  ])('parses %j as octal', (text, mode) => {
    expect(parseFileMode(text)).toEqual({ ok: true, value: mode });
  });

  it.each(['', '0999', 'rw', '77777'])('rejects %j', (text) => {
    expect(parseFileMode(text)).toEqual({
      ok: false,
      error: `invalid file mode ${JSON.stringify(text)}: expected octal permission bits, e.g. "0440"`,
    });
  });

  it('takes YAML numbers as already-decoded bits and reports out-of-range ones', () => {
    const diag = new Diagnostics();
    expect(readFileMode(0o440, ['m'], diag)).toBe(0o440);
    expect(readFileMode('0400', ['m'], diag)).toBe(0o400);
    expect(readFileMode(99999, ['n'], diag)).toBeUndefined();
    expect(diag.items).toEqual([{ severity: 'error', path: 'n', message: 'invalid file mode 99999: expected permission bits between 0 and 0o7777' }]);
  });
});
