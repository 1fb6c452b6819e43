import { describe, expect, it } from 'vitest';
import { splitLines, tailLines } from './log-lines.js';

const text = (bufs: Buffer[]): string[] => bufs.map((b) => b.toString('utf8'));

describe('splitLines', () => {
  it.each([
    ['', [], ''],
    ['a\n', ['a\n'], ''],
    ['a\nb\n', ['a\n', 'b\n'], ''],
    ['a\nb', ['a\n'], 'b'],
    ['partial', [], 'partial'],
    ['\n\n', ['\n', '\n'], ''],
  ])('%j', (input, lines, rest) => {
    const split = splitLines(Buffer.from(input));
    expect(text(split.lines)).toEqual(lines);
    expect(split.rest.toString()).toBe(rest);
  });

  it('never cuts a multi-byte character', () => {
    const split = splitLines(Buffer.from('größe\nnäch'));
    expect(text(split.lines)).toEqual(['größe\n']);
    expect(split.rest.toString('utf8')).toBe('näch');
  });
});

describe('tailLines', () => {
  it.each([
    ['a\nb\nc\n', undefined, ['a\n', 'b\n', 'c\n']],
    ['a\nb\nc\n', 2, ['b\n', 'c\n']],
    ['a\nb\nc', 2, ['b\n', 'c']],
    ['a\nb\n', 10, ['a\n', 'b\n']],
    ['a\nb\n', 0, []],
    ['', 3, []],
  ])('%j tail %j', (input, tail, expected) => {
    expect(text(tailLines(Buffer.from(input), tail))).toEqual(expected);
  });
});
