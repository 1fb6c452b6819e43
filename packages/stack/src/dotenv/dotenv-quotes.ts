/**
 * Quoted values in dotenv files: finding where a quoted value ends (it may span lines) and
 * undoing its escapes. Single quotes are literal except for `\'`; double quotes understand the
 * usual shell-style escapes.
 */

/** Where a quoted value ends. */
export interface QuotedSpan {
  /** Text between the quotes, escapes still in place. */
  body: string;
  /** Offset just past the closing quote. */
  end: number;
}

/**
 * Finds the closing quote for the quote character at `start` in `src`; a backslash always
 * escapes the next character for this purpose. Undefined when the value is unterminated.
 */
export function scanQuoted(src: string, start: number): QuotedSpan | undefined {
  const quote = src[start];
  for (let i = start + 1; i < src.length; i++) {
    const c = src[i];
    if (c === '\\') i++;
    else if (c === quote) return { body: src.slice(start + 1, i), end: i + 1 };
  }
  return undefined;
}

/** Undoes the escapes of a single-quoted body: only `\'` is special; other backslashes stay. */
export function unescapeSingle(body: string): string {
  return body.replaceAll("\\'", "'");
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '\\': '\\',
  '"': '"',
  // Kept as `$$` so that interpolation, which runs next, yields a literal `$`.
  $: '$$',
};

/**
 * Undoes the escapes of a double-quoted body: `\n \t \r \a \b \f \v \\ \" \$` and `\0ooo`
 * (three octal digits). Any other backslash is kept with the character after it, as Compose does.
 */
export function unescapeDouble(body: string): string {
  if (!body.includes('\\')) return body;
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== '\\' || i + 1 >= body.length) {
      out += c;
      continue;
    }
    const next = body[i + 1]!;
    const simple = SIMPLE_ESCAPES[next];
    if (simple !== undefined) {
      out += simple;
      i++;
      continue;
    }
    const octal = /^0([0-7]{3})/.exec(body.slice(i + 1, i + 5));
    const code = octal ? parseInt(octal[1]!, 8) : NaN;
    if (code <= 0o377) {
      out += String.fromCharCode(code);
      i += 4;
      continue;
    }
    out += c + next;
    i++;
  }
  return out;
}
