/**
 * The dotenv format as Compose reads it (`.env`, `env_file:`): `KEY=value`, `export KEY=value`,
 * `KEY: value`, quoted and multi-line values, comments, inherited bare `KEY` lines and
 * interpolation. `raw` mode (Compose `format: raw`) takes values verbatim.
 */
import type { EnvLookup } from '../env.js';
import { interpolateString } from '../interpolation/interpolate-string.js';
import { scanQuoted, unescapeDouble, unescapeSingle } from './dotenv-quotes.js';

/** One problem in a dotenv file; `line` is 1-based and is the line the statement starts on. */
export interface DotenvError {
  line: number;
  message: string;
}

/** Everything a dotenv file defines, in file order, plus the problems found. */
export interface DotenvResult {
  values: Record<string, string>;
  errors: DotenvError[];
}

/** Parsing options: `raw` takes every value verbatim after `=`. */
export interface DotenvOptions {
  raw?: boolean;
}

/** A statement's key part: what precedes the first separator (or the whole line). */
interface KeyPart {
  key: string;
  /** Offset of the separator within the statement; -1 for a bare `KEY` line. */
  sep: number;
}

// Letters and digits of any script plus `_ . - [ ]`, as Compose's dotenv reader accepts.
const KEY_CHAR = /[\p{L}\p{N}_.\-[\]]/u;
// The whitespace Compose skips around keys and values; never a line break.
const INLINE_SPACE = /^[ \t\f\v\r\u0085\u00a0]*/;
const EXPORT = /^export[ \t]+/;
const MAX_SNIPPET = 60;

/** Parses dotenv `text`; `lookup` serves bare `KEY` lines and wins over the file's own keys in interpolation. */
export function parseDotenv(text: string, lookup: EnvLookup, options: DotenvOptions = {}): DotenvResult {
  const src = text.replace(/^\uFEFF/, '').replaceAll('\r\n', '\n');
  return new DotenvParser(src, lookup, options.raw === true).run();
}

/** One pass over one file; `pos` is always at the start of a line numbered `line`. */
class DotenvParser {
  private readonly values = new Map<string, string>();
  private readonly errors: DotenvError[] = [];
  private pos = 0;
  private line = 1;

  constructor(
    private readonly src: string,
    private readonly lookup: EnvLookup,
    private readonly raw: boolean,
  ) {}

  run(): DotenvResult {
    while (this.pos < this.src.length) {
      const eol = lineEndAt(this.src, this.pos);
      // A statement normally ends with its line; a multi-line quoted value moves `next` on.
      const next = this.statement(eol);
      if (next === undefined) break;
      this.pos = next;
      this.line++;
    }
    return { values: Object.fromEntries(this.values), errors: this.errors };
  }

  /** Handles the statement starting at `pos`; returns where the next line starts, or undefined to stop. */
  private statement(eol: number): number | undefined {
    const text = this.src.slice(this.pos, eol);
    const body = text.trimStart();
    if (body === '' || body.startsWith('#')) return eol + 1;
    const exported = EXPORT.exec(body);
    const stmtStart = this.pos + (text.length - body.length) + (exported ? exported[0].length : 0);
    const stmt = this.src.slice(stmtStart, eol);

    const { key, sep } = splitKey(stmt, this.raw);
    const problem = keyProblem(key, stmt);
    if (problem !== undefined) {
      this.fail(this.line, problem);
    } else if (sep < 0) {
      const inherited = this.lookup(key);
      if (inherited !== undefined) this.values.set(key, inherited);
    } else if (this.raw) {
      this.values.set(key, stmt.slice(sep + 1));
    } else {
      let at = stmtStart + sep + 1;
      at += INLINE_SPACE.exec(this.src.slice(at, eol))![0].length;
      const quote = this.src[at];
      if (quote === '"' || quote === "'") return this.quoted(key, at, eol);
      // Compose strips an inline comment only when a space precedes the `#`.
      const unquoted = this.src.slice(at, eol);
      const cut = unquoted.indexOf(' #');
      this.values.set(key, this.interpolate((cut < 0 ? unquoted : unquoted.slice(0, cut)).trimEnd(), this.line));
    }
    return eol + 1;
  }

  /** Reads the quoted value opening at `at` (it may span lines) into `key`. */
  private quoted(key: string, at: number, eol: number): number | undefined {
    const startLine = this.line;
    const span = scanQuoted(this.src, at);
    if (span === undefined) {
      // Everything after an unterminated quote would belong to the value: stop here.
      this.fail(startLine, `unterminated quoted value ${snippet(this.src.slice(at, eol))}`);
      return undefined;
    }
    this.line += countNewlines(this.src, at, span.end);
    const closingEol = lineEndAt(this.src, span.end);
    const trailing = this.src.slice(span.end, closingEol).trim();
    if (trailing !== '' && !trailing.startsWith('#')) {
      this.fail(this.line, `unexpected text after the closing quote: ${snippet(trailing)}`);
    }
    const single = this.src[at] === "'";
    this.values.set(key, single ? unescapeSingle(span.body) : this.interpolate(unescapeDouble(span.body), startLine));
    return closingEol + 1;
  }

  /** Interpolates against `lookup` (the environment wins, as in Compose), then the keys so far. */
  private interpolate(value: string, line: number): string {
    const r = interpolateString(value, (name) => this.lookup(name) ?? this.values.get(name));
    for (const message of r.errors) this.fail(line, message);
    return r.value;
  }

  private fail(line: number, message: string): void {
    this.errors.push({ line, message });
  }
}

/** Splits off the key: up to the first `=` (or `:`, outside raw mode); the whole line if none. */
function splitKey(stmt: string, raw: boolean): KeyPart {
  const eq = stmt.indexOf('=');
  const colon = raw ? -1 : stmt.indexOf(':');
  const sep = eq < 0 ? colon : colon < 0 ? eq : Math.min(eq, colon);
  return sep < 0 ? { key: stmt.trimEnd(), sep } : { key: stmt.slice(0, sep).trimEnd(), sep };
}

/** Why `key` is not acceptable, or undefined when it is. */
function keyProblem(key: string, stmt: string): string | undefined {
  if (key === '') {
    const sep = stmt.trim()[0];
    return sep === undefined ? 'missing variable name after "export"' : `missing variable name before ${JSON.stringify(sep)}`;
  }
  let spaced = false;
  for (const c of key) {
    if (/\s/u.test(c)) spaced = true;
    else if (!KEY_CHAR.test(c)) return `unexpected character ${JSON.stringify(c)} in variable name ${snippet(key)}`;
  }
  return spaced ? 'key cannot contain a space' : undefined;
}

function lineEndAt(src: string, from: number): number {
  const eol = src.indexOf('\n', from);
  return eol < 0 ? src.length : eol;
}

function countNewlines(src: string, from: number, to: number): number {
  let n = 0;
  for (let i = src.indexOf('\n', from); i >= 0 && i < to; i = src.indexOf('\n', i + 1)) n++;
  return n;
}

/** A short quoted excerpt of user text for messages. */
function snippet(text: string): string {
  return JSON.stringify(text.length > MAX_SNIPPET ? `${text.slice(0, MAX_SNIPPET)}…` : text);
}
