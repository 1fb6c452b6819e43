import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { normalizeCommand } from './command.js';

describe('normalizeCommand', () => {
  it('splits a string and passes a list through', () => {
    const diag = new Diagnostics();
    expect(normalizeCommand('bundle exec thin -p 3000', ['c'], diag)).toEqual(['bundle', 'exec', 'thin', '-p', '3000']);
    expect(normalizeCommand(['echo', 'a b', 42], ['c'], diag)).toEqual(['echo', 'a b', '42']);
    expect(diag.items).toEqual([]);
  });

  it('distinguishes absent (image default) from empty (override with nothing)', () => {
    const diag = new Diagnostics();
    expect(normalizeCommand(undefined, ['c'], diag)).toBeUndefined();
    expect(normalizeCommand(null, ['c'], diag)).toBeUndefined();
    expect(normalizeCommand('', ['c'], diag)).toEqual([]);
    expect(normalizeCommand([], ['c'], diag)).toEqual([]);
  });

  it('reports unbalanced quotes and warns about shell operators', () => {
    const diag = new Diagnostics();
    expect(normalizeCommand('echo "hi', ['services', 'web', 'command'], diag)).toBeUndefined();
    expect(normalizeCommand('migrate && serve', ['services', 'web', 'entrypoint'], diag)).toEqual(['migrate', '&&', 'serve']);
    expect(diag.items).toEqual([
      { severity: 'error', path: 'services.web.command', message: 'unterminated double quote in "echo \\"hi"' },
      {
        severity: 'warning',
        path: 'services.web.entrypoint',
        message: 'the shell operator "&&" is passed to the program as a plain argument; to run this in a shell, write it as ["sh", "-c", "..."]',
      },
    ]);
  });
});
