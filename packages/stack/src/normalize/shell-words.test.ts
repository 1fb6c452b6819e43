import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { splitShellWords } from './shell-words.js';

describe('splitShellWords', () => {
  it.each<[string, string[]]>([
    ['npm start', ['npm', 'start']],
    ['  spaced \t out\n', ['spaced', 'out']],
    [`echo 'hello world'`, ['echo', 'hello world']],
    ['echo "hello world"', ['echo', 'hello world']],
    [`sh -c "echo \\"hi\\" && exit 1"`, ['sh', '-c', 'echo "hi" && exit 1']],
    [`echo 'it'\\''s'`, ['echo', "it's"]],
    ['echo a\\ b', ['echo', 'a b']],
    ['echo "a\\b"', ['echo', 'a\\b']], // backslash only escapes " \\ $ ` inside double quotes
    [`echo '$HOME' "\\$HOME"`, ['echo', '$HOME', '$HOME']],
    [`echo '' ""`, ['echo', '', '']],
    ['a"b"c', ['abc']],
    ['line\\\ncontinued', ['linecontinued']],
    ['', []],
  ])('%j', (text, words) => {
    expect(splitShellWords(text)).toEqual({ ok: true, value: { words, operators: [] } });
  });

  it('keeps unquoted operators as words and lists them', () => {
    expect(splitShellWords('echo a && echo b; ls|wc')).toEqual({
      ok: true,
      value: { words: ['echo', 'a', '&&', 'echo', 'b', ';', 'ls', '|', 'wc'], operators: ['&&', ';', '|'] },
    });
    expect(splitShellWords('echo "a && b"')).toEqual({ ok: true, value: { words: ['echo', 'a && b'], operators: [] } });
  });

  it.each([
    [`echo 'oops`, `unterminated single quote in "echo 'oops"`],
    ['echo "oops', 'unterminated double quote in "echo \\"oops"'],
    ['echo oops\\', 'trailing backslash in "echo oops\\\\"'],
  ])('rejects %j', (text, error) => {
    expect(splitShellWords(text)).toEqual({ ok: false, error });
  });

  it('round-trips any argv quoted the POSIX way', () => {
    const quote = (w: string): string => `'${w.replaceAll("'", `'\\''`)}'`;
    fc.assert(
      fc.property(fc.array(fc.string()), (argv) => {
        expect(splitShellWords(argv.map(quote).join(' '))).toEqual({ ok: true, value: { words: argv, operators: [] } });
      }),
    );
  });

  it('never throws on arbitrary text', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(typeof splitShellWords(s).ok).toBe('boolean');
    }));
  });
});
