import { describe, expect, it } from 'vitest';
import { renderTable, truncate } from './table.js';

describe('truncate', () => {
  it.each([
    ['short', 10, 'short'],
    ['exactly', 7, 'exactly'],
    ['too long text', 8, 'too lon…'],
    ['abc', 1, '…'],
    ['abc', 0, ''],
    ['héllo wörld', 6, 'héllo…'],
  ])('truncate(%j, %i) = %j', (text, width, expected) => {
    expect(truncate(text, width)).toBe(expected);
  });
});

describe('renderTable', () => {
  const columns = [{ header: 'NAME' }, { header: 'STATE' }, { header: 'MESSAGE' }];

  it('pads every column to its widest cell and trims trailing spaces', () => {
    expect(
      renderTable(columns, [
        ['web-1', 'running', ''],
        ['worker-12', 'failed', 'exit 1'],
      ]),
    ).toEqual(['NAME        STATE     MESSAGE', 'web-1       running', 'worker-12   failed    exit 1']);
  });

  it('prints only the header for no rows', () => {
    expect(renderTable(columns, [])).toEqual(['NAME   STATE   MESSAGE']);
  });

  it('cuts cells at a column maxWidth', () => {
    const lines = renderTable([{ header: 'ID', maxWidth: 6 }, { header: 'X' }], [['0123456789', 'x']]);
    expect(lines).toEqual(['ID       X', '01234…   x']);
  });

  it('cuts the last column to fit the given width, not below its header', () => {
    const rows = [['web-1', 'a very long error message from the runtime']];
    expect(renderTable([{ header: 'NAME' }, { header: 'MESSAGE' }], rows, { width: 20 })).toEqual([
      'NAME    MESSAGE',
      'web-1   a very long…',
    ]);
    const narrow = renderTable([{ header: 'NAME' }, { header: 'MESSAGE' }], rows, { width: 5 });
    expect(narrow[1]).toBe('web-1   a very…');
  });

  it('shows control characters a node reported (terminal escapes) as ? instead of sending them', () => {
    const lines = renderTable([{ header: 'NAME' }, { header: 'LABELS' }], [['web\u001b[2J', 'zone=\u0007a\u009b']]);
    expect(lines[1]).toBe('web?[2J   zone=?a?');
  });

  it('keeps a row on one line when a cell holds newlines or tabs', () => {
    expect(renderTable([{ header: 'A' }, { header: 'B' }], [['x', 'line one\n  line two\tend']])).toEqual(['A   B', 'x   line one line two end']);
  });

  it('treats missing cells as empty and counts wide characters once', () => {
    expect(renderTable([{ header: 'S' }, { header: 'N' }], [['✔'], ['✘✘', 'n']])).toEqual(['S    N', '✔', '✘✘   n']);
  });
});
