import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lookupIn } from '../env.js';
import { parseDotenv } from './parse-dotenv.js';

const none = lookupIn({});
const parse = (text: string, env: Record<string, string> = {}) => parseDotenv(text, lookupIn(env));
const values = (text: string, env: Record<string, string> = {}) => {
  const r = parse(text, env);
  expect(r.errors).toEqual([]);
  return r.values;
};

describe('parseDotenv', () => {
  it.each([
    ['KEY=v', 'v'],
    ['KEY =v', 'v'],
    ['KEY= v', 'v'],
    ['  KEY = v  ', 'v'],
    ['\tKEY=v', 'v'],
    ['export KEY=v', 'v'],
    ['export\tKEY=v', 'v'],
    ['  export KEY=v', 'v'],
    ['KEY: v', 'v'],
    ['KEY:v', 'v'],
    ['KEY: a=b', 'a=b'],
    ['KEY=a:b', 'a:b'],
    ['KEY=a=b=', 'a=b='],
    ['KEY=', ''],
    ['KEY = ', ''],
    // unquoted: inline comments need a space before #
    ['KEY=v # comment', 'v'],
    ['KEY=v#not-a-comment', 'v#not-a-comment'],
    ['KEY=#fff', '#fff'],
    ['KEY= #fff', '#fff'],
    ['KEY=a b  c ', 'a b  c'],
    ['KEY=a"b\'c', 'a"b\'c'],
    // single quotes are literal
    ["KEY='v'", 'v'],
    ["KEY=''", ''],
    ["KEY='a # b' # c", 'a # b'],
    ["KEY='$X ${X} \\n'", '$X ${X} \\n'],
    ["KEY='it\\'s'", "it's"],
    ["KEY=' padded '", ' padded '],
    // double quotes: escapes
    ['KEY="v"', 'v'],
    ['KEY=""', ''],
    ['KEY="a\\nb"', 'a\nb'],
    ['KEY="a\\tb"', 'a\tb'],
    ['KEY="a\\rb"', 'a\rb'],
    ['KEY="say \\"hi\\""', 'say "hi"'],
    ['KEY="back\\\\slash"', 'back\\slash'],
    ['KEY="back\\\\nslash"', 'back\\nslash'],
    ['KEY="\\$X \\${X}"', '$X ${X}'],
    ['KEY="\\0101"', 'A'],
    ['KEY="\\q\\x"', '\\q\\x'],
    ["KEY=\"'d'\"", "'d'"],
    ['KEY="a#b" # comment', 'a#b'],
    ['KEY="a"#comment', 'a'],
    // non-ASCII
    ['KEY=héllo wörld ✓', 'héllo wörld ✓'],
    ['KEY="日本語"', '日本語'],
  ])('%j', (line, expected) => {
    expect(values(line)).toEqual({ KEY: expected });
  });

  it.each([['VAR.WITH.DOTS'], ['VAR-WITH-DASHES'], ['a_b'], ['456'], ['ÜBER'], ['list[0]'], ['exportFOO'], ['export_FOO'], ['export']])(
    'accepts the key %j',
    (key) => {
      expect(values(`${key}=1`)).toEqual({ [key]: '1' });
    },
  );

  it('reads multi-line double-quoted values and keeps counting lines', () => {
    const r = parse('A="first\nsecond\n  third"\nB=after\nBAD KEY=1');
    expect(r.values).toEqual({ A: 'first\nsecond\n  third', B: 'after' });
    expect(r.errors).toEqual([{ line: 5, message: 'key cannot contain a space' }]);
  });

  it('reads multi-line single-quoted values literally', () => {
    expect(values("A='x\n$Y'\nB=2")).toEqual({ A: 'x\n$Y', B: '2' });
  });

  it('skips blank lines and comments', () => {
    expect(values('\n# comment\n   # indented comment\n\t\nA=1\n\n#B=2\n')).toEqual({ A: '1' });
    expect(values('')).toEqual({});
  });

  it('copes with a BOM, CRLF line endings and no final newline', () => {
    expect(values('\uFEFFA=1\r\nB="x\r\ny"\r\nC=3')).toEqual({ A: '1', B: 'x\ny', C: '3' });
  });

  it('inherits a bare KEY from lookup and leaves it out when unset', () => {
    expect(values('A\nB\n  C  \nexport D', { A: 'from-env', D: 'd' })).toEqual({ A: 'from-env', D: 'd' });
    expect(values('A=file\nA', { A: 'env' })).toEqual({ A: 'env' });
    expect(values('A=file\nA')).toEqual({ A: 'file' });
  });

  it('lets later keys win', () => {
    expect(values('A=1\nA=2')).toEqual({ A: '2' });
  });

  describe('interpolation', () => {
    it('applies to unquoted and double-quoted values, not single-quoted ones', () => {
      expect(values('A=1\nB=$A\nC="${A}x"\nD=\'${A}\'')).toEqual({ A: '1', B: '1', C: '1x', D: '${A}' });
    });

    it('looks at the environment first, as Compose does, then earlier keys of the file', () => {
      expect(values('A=file\nB=${A}-${E}', { A: 'env', E: 'e' })).toEqual({ A: 'file', B: 'env-e' });
      expect(values('A=file\nB=${A}-${E}', { E: 'e' })).toEqual({ A: 'file', B: 'file-e' });
      // A later definition is not visible yet.
      expect(values('B=${A:-none}\nA=file', { A: 'env' })).toEqual({ B: 'env', A: 'file' });
      expect(values('B=${A:-none}\nA=file')).toEqual({ B: 'none', A: 'file' });
    });

    it('supports the Compose modifiers and $$', () => {
      expect(values('A=${U:-d}\nB=${A:+r}\nC=$$A\nD=${U-}')).toEqual({ A: 'd', B: 'r', C: '$A', D: '' });
    });

    it('reports interpolation errors with the line of the statement', () => {
      const r = parse('A=1\nB="x\n${NEED:?please set NEED}"\nC=${1A}');
      expect(r.errors).toEqual([
        { line: 2, message: 'required variable NEED is missing a value: please set NEED' },
        { line: 4, message: 'invalid interpolation format: "${1A}"' },
      ]);
      expect(r.values).toEqual({ A: '1', B: 'x\n', C: '${1A}' });
    });
  });

  describe('errors', () => {
    it.each([
      ['KEY WITH SPACE=1', 'key cannot contain a space'],
      ['KEY\tTAB=1', 'key cannot contain a space'],
      ['free text line', 'key cannot contain a space'],
      ['lol$wut', 'unexpected character "$" in variable name "lol$wut"'],
      ['A"B=1', 'unexpected character "\\"" in variable name "A\\"B"'],
      ['=value', 'missing variable name before "="'],
      [': value', 'missing variable name before ":"'],
      ['export   ', 'missing variable name after "export"'],
      ['KEY="a"b', 'unexpected text after the closing quote: "b"'],
    ])('%j → %j', (line, message) => {
      expect(parse(`OK=1\n${line}\nAFTER=2`).errors).toEqual([{ line: 2, message }]);
      expect(parse(`OK=1\n${line}\nAFTER=2`).values).toMatchObject({ OK: '1', AFTER: '2' });
    });

    it('stops at an unterminated quote, reporting the line it opened on', () => {
      const r = parse('A=1\nB="never closed\nC=3\n');
      expect(r.errors).toEqual([{ line: 2, message: 'unterminated quoted value "\\"never closed"' }]);
      expect(r.values).toEqual({ A: '1' });
      expect(parse("X='open").errors).toEqual([{ line: 1, message: 'unterminated quoted value "\'open"' }]);
    });

    it('collects one error per bad line', () => {
      expect(parse('A B=1\nC D=2\nE=3').errors.map((e) => e.line)).toEqual([1, 2]);
    });
  });

  describe('raw format', () => {
    const raw = (text: string, env: Record<string, string> = {}) => parseDotenv(text, lookupIn(env), { raw: true });

    it('takes every value verbatim after =', () => {
      const r = raw('A="quoted"\nB=\'single\'\nC=${X} $$ \\n\nD= spaced # not a comment \nE=a=b\nF=');
      expect(r.errors).toEqual([]);
      expect(r.values).toEqual({
        A: '"quoted"',
        B: "'single'",
        C: '${X} $$ \\n',
        D: ' spaced # not a comment ',
        E: 'a=b',
        F: '',
      });
    });

    it('still skips comments and blank lines, handles CRLF and inherits bare keys', () => {
      expect(raw('\uFEFF# c\r\n\r\nA=1\r\nB\r\n', { B: 'b' })).toEqual({ values: { A: '1', B: 'b' }, errors: [] });
    });

    it('does not treat : as a separator and still rejects bad keys', () => {
      expect(raw('A=x: y')).toEqual({ values: { A: 'x: y' }, errors: [] });
      expect(raw('BAD KEY=1').errors).toEqual([{ line: 1, message: 'key cannot contain a space' }]);
    });
  });

  describe('properties', () => {
    const key = fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_.-]{0,10}$/);

    it('never throws and reports lines inside the text', () => {
      const messy = fc
        .array(fc.constantFrom('A', '=', ':', '"', "'", '\\', '#', ' ', '\n', '\r\n', '$', '{', '}', 'export ', 'é'), { maxLength: 60 })
        .map((p) => p.join(''));
      fc.assert(
        fc.property(fc.oneof(fc.string(), messy), fc.boolean(), (text, raw) => {
          const r = parseDotenv(text, none, { raw });
          const lines = text.split('\n').length;
          for (const e of r.errors) {
            expect(e.line).toBeGreaterThanOrEqual(1);
            expect(e.line).toBeLessThanOrEqual(lines);
          }
          for (const v of Object.values(r.values)) expect(typeof v).toBe('string');
        }),
      );
    });

    it('round-trips values written single-quoted', () => {
      const value = fc.string().filter((s) => !s.includes("'") && !s.includes('\\') && !s.includes('\r'));
      fc.assert(
        fc.property(fc.dictionary(key, value), (record) => {
          const text = Object.entries(record)
            .map(([k, v]) => `${k}='${v}'`)
            .join('\n');
          expect(parseDotenv(text, none)).toEqual({ values: record, errors: [] });
        }),
      );
    });

    it('round-trips plain unquoted values', () => {
      const value = fc.stringMatching(/^[A-Za-z0-9_./:@%,+-]*$/);
      fc.assert(
        fc.property(fc.dictionary(key, value), (record) => {
          const text = Object.entries(record)
            .map(([k, v]) => `export ${k} = ${v}`)
            .join('\r\n');
          expect(parseDotenv(text, none)).toEqual({ values: record, errors: [] });
        }),
      );
    });

    it('round-trips values escaped for double quotes', () => {
      const escape = (v: string) => v.replace(/[\\"$]/g, (c) => `\\${c}`).replaceAll('\n', '\\n').replaceAll('\t', '\\t');
      fc.assert(
        fc.property(fc.dictionary(key, fc.string().filter((s) => !s.includes('\r'))), (record) => {
          const text = Object.entries(record)
            .map(([k, v]) => `${k}="${escape(v)}"`)
            .join('\n');
          expect(parseDotenv(text, none)).toEqual({ values: record, errors: [] });
        }),
      );
    });
  });
});
