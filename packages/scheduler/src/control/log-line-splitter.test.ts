import { describe, expect, it } from 'vitest';
import { LogLineSplitter } from './log-line-splitter.js';

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text);

describe('LogLineSplitter', () => {
  it('joins lines split across chunks and dates each by the chunk of its first byte', () => {
    const s = new LogLineSplitter();
    expect(s.push('stdout', bytes('hel'), 1)).toEqual([]);
    expect(s.push('stdout', bytes('lo\nwor'), 2)).toEqual([{ stream: 'stdout', text: 'hello', time: 1 }]);
    expect(s.push('stdout', bytes('ld\n\nend'), 3)).toEqual([
      { stream: 'stdout', text: 'world', time: 2 },
      { stream: 'stdout', text: '', time: 3 },
    ]);
    expect(s.flush()).toEqual([{ stream: 'stdout', text: 'end', time: 3 }]);
    expect(s.flush()).toEqual([]);
  });

  it('keeps a multi-byte character split between chunks, and replaces invalid bytes', () => {
    const s = new LogLineSplitter();
    const euro = bytes('€\n'); // e2 82 ac 0a
    expect(s.push('stdout', euro.slice(0, 2), 1)).toEqual([]);
    expect(s.push('stdout', euro.slice(2), 1)).toEqual([{ stream: 'stdout', text: '€', time: 1 }]);
    expect(s.push('stdout', new Uint8Array([0x61, 0xff, 0x0a]), 2)).toEqual([{ stream: 'stdout', text: 'a\uFFFD', time: 2 }]);
  });

  it('keeps stdout and stderr apart and drops the CR of CRLF', () => {
    const s = new LogLineSplitter();
    expect(s.push('stdout', bytes('out-'), 1)).toEqual([]);
    expect(s.push('stderr', bytes('err\r\n'), 2)).toEqual([{ stream: 'stderr', text: 'err', time: 2 }]);
    expect(s.push('stdout', bytes('more\n'), 3)).toEqual([{ stream: 'stdout', text: 'out-more', time: 1 }]);
  });

  it('cuts a line that never ends at the limit', () => {
    const s = new LogLineSplitter(4);
    expect(s.push('stdout', bytes('abcdefghij'), 1).map((l) => l.text)).toEqual(['abcd', 'efgh']);
    expect(s.flush().map((l) => l.text)).toEqual(['ij']);
  });
});
