import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { normalizeTmpfs, parseTmpfsEntry } from './tmpfs.js';

describe('tmpfs', () => {
  it.each([
    ['/run', { type: 'tmpfs', target: '/run' }],
    ['/run:size=64m', { type: 'tmpfs', target: '/run', sizeBytes: 67_108_864 }],
    ['/run:rw,noexec,nosuid,size=65536k,mode=1777', { type: 'tmpfs', target: '/run', sizeBytes: 67_108_864, mode: 0o1777 }],
  ])('parses %j', (text, mount) => {
    expect(parseTmpfsEntry(text)).toEqual({ ok: true, value: mount });
  });

  it.each([
    ['run', 'invalid tmpfs "run": the path must be absolute'],
    ['/run:size=big', 'invalid tmpfs "/run:size=big": invalid size "big": expected bytes or a number with a unit (b, k, m, g, t), e.g. "512m"'],
    ['/run:mode=999', 'invalid tmpfs "/run:mode=999": invalid file mode "999": expected octal permission bits, e.g. "0440"'],
  ])('rejects %j', (text, error) => {
    expect(parseTmpfsEntry(text)).toEqual({ ok: false, error });
  });

  it('accepts a string or a list and reports entries at their index', () => {
    const diag = new Diagnostics();
    expect(normalizeTmpfs('/run', ['s', 'tmpfs'], diag)).toEqual([{ type: 'tmpfs', target: '/run' }]);
    expect(normalizeTmpfs(['/a', 'b', 3], ['s', 'tmpfs'], diag)).toEqual([{ type: 'tmpfs', target: '/a' }]);
    expect(diag.items.map((d) => d.path)).toEqual(['s.tmpfs[1]']);
  });
});
