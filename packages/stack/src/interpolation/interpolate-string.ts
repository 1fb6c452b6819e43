/**
 * Compose variable interpolation for one string: `$VAR`, `${VAR}`, the `:-` `-` `:?` `?` `:+` `+`
 * modifiers (nestable in their right-hand side) and `$$` for a literal `$`.
 */
import type { EnvLookup } from '../env.js';

/** What interpolating one string produced. */
export interface InterpolationResult {
  /** The interpolated text (malformed expressions are kept literally). */
  value: string;
  /** Clear, user-facing messages, one per problem. */
  errors: string[];
  /** Variables that were substituted by an empty string because nothing else applied; no repeats. */
  unset: string[];
}

/**
 * Nesting limit for `${A:-${B:-...}}`. The parser recurses once per level, so this keeps hostile
 * input far from the call-stack limit; real stack files never come close.
 */
const MAX_NESTING = 64;

/** Longest malformed expression quoted in full in an error message; longer ones are cut. */
const MAX_QUOTED = 120;

type Operator = ':-' | '-' | ':?' | '?' | ':+' | '+';

/** Result of parsing a piece of the input starting at some offset. */
interface Parsed {
  text: string;
  /** Offset just past what was consumed. */
  end: number;
  /** For templates inside braces: whether the closing `}` was found. */
  closed: boolean;
}

const isNameStart = (c: string | undefined): boolean =>
  c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_');
const isNameChar = (c: string | undefined): boolean => isNameStart(c) || (c !== undefined && c >= '0' && c <= '9');

/** Interpolates `input` against `lookup` the way Compose does; never throws on any input. */
export function interpolateString(input: string, lookup: EnvLookup): InterpolationResult {
  if (!input.includes('$')) return { value: input, errors: [], unset: [] };
  const run = new Interpolation(input, lookup);
  const value = run.template(0, false, true, 0).text;
  return { value, errors: run.errors, unset: run.unset };
}

/**
 * One pass over one input. Branches that are not taken (a default whose variable is set, ...)
 * are still parsed, so syntax errors are reported everywhere, but they are not evaluated: no
 * lookups are recorded as unset and no required-variable errors fire there.
 */
class Interpolation {
  readonly errors: string[] = [];
  /** Unset names in order of first use; `unsetNames` mirrors it for fast membership tests. */
  readonly unset: string[] = [];
  private readonly unsetNames = new Set<string>();

  constructor(
    private readonly input: string,
    private readonly lookup: EnvLookup,
  ) {}

  /** Parses literal text and expressions from `pos`; inside braces it stops at the first unmatched `}`. */
  template(pos: number, inBraces: boolean, active: boolean, depth: number): Parsed {
    const s = this.input;
    let out = '';
    let i = pos;
    while (i < s.length) {
      const c = s[i];
      if (c === '}' && inBraces) return { text: out, end: i + 1, closed: true };
      if (c !== '$') {
        out += c;
        i++;
        continue;
      }
      const next = s[i + 1];
      if (next === '$') {
        out += '$';
        i += 2;
      } else if (next === '{') {
        const r = this.braced(i, active, depth);
        out += r.text;
        i = r.end;
      } else if (isNameStart(next)) {
        let end = i + 2;
        while (isNameChar(s[end])) end++;
        out += active ? this.valueOf(s.slice(i + 1, end)) : '';
        i = end;
      } else {
        // Compose leaves a `$` that starts no expression as it is.
        out += '$';
        i++;
      }
    }
    return { text: out, end: s.length, closed: false };
  }

  /** Parses `${...}` starting at the `$` at `start`. */
  private braced(start: number, active: boolean, depth: number): Parsed {
    const s = this.input;
    if (depth >= MAX_NESTING) return this.invalid(start, ` (nested more than ${MAX_NESTING} levels deep)`);
    const nameStart = start + 2;
    if (!isNameStart(s[nameStart])) return this.invalid(start);
    let nameEnd = nameStart + 1;
    while (isNameChar(s[nameEnd])) nameEnd++;
    const name = s.slice(nameStart, nameEnd);

    if (s[nameEnd] === '}') return { text: active ? this.valueOf(name) : '', end: nameEnd + 1, closed: true };
    const op = readOperator(s, nameEnd);
    if (op === undefined) return this.invalid(start);

    const value = active ? this.lookup(name) : undefined;
    const isSet = value !== undefined;
    const isFilled = isSet && value !== '';
    // Which outcome applies decides whether the right-hand side is evaluated at all.
    let useRhs: boolean;
    switch (op) {
      case ':-':
      case ':?':
        useRhs = !isFilled;
        break;
      case '-':
      case '?':
        useRhs = !isSet;
        break;
      case ':+':
        useRhs = isFilled;
        break;
      case '+':
        useRhs = isSet;
        break;
    }

    const errorsBefore = this.errors.length;
    const unsetBefore = this.unset.length;
    const rhs = this.template(nameEnd + op.length, true, active && useRhs, depth + 1);
    if (!rhs.closed) {
      // Unterminated: anything found inside belongs to a malformed expression, so forget it.
      this.errors.length = errorsBefore;
      this.forgetUnsetSince(unsetBefore);
      return this.invalid(start);
    }
    if (op === ':?' || op === '?') {
      // Variables inside the message are not substitutions the user needs warning about.
      this.forgetUnsetSince(unsetBefore);
      if (active && useRhs) {
        const reason = rhs.text === '' ? '' : `: ${rhs.text}`;
        this.errors.push(`required variable ${name} is missing a value${reason}`);
        return { text: '', end: rhs.end, closed: true };
      }
      return { text: value ?? '', end: rhs.end, closed: true };
    }
    if (op === ':+' || op === '+') return { text: useRhs ? rhs.text : '', end: rhs.end, closed: true };
    return { text: useRhs ? rhs.text : (value ?? ''), end: rhs.end, closed: true };
  }

  /** Records a malformed `${` expression at `start` and keeps its text literally. */
  private invalid(start: number, detail = ''): Parsed {
    const end = closingBraceOf(this.input, start);
    const expr = this.input.slice(start, end);
    const quoted = expr.length > MAX_QUOTED ? `${expr.slice(0, MAX_QUOTED)}…` : expr;
    this.errors.push(`invalid interpolation format: "${quoted}"${detail}`);
    return { text: expr, end, closed: true };
  }

  /** The value of a plain reference; unset variables become '' and are remembered. */
  private valueOf(name: string): string {
    const value = this.lookup(name);
    if (value !== undefined) return value;
    if (!this.unsetNames.has(name)) {
      this.unsetNames.add(name);
      this.unset.push(name);
    }
    return '';
  }

  /** Drops unset names recorded after the first `count`. */
  private forgetUnsetSince(count: number): void {
    for (const name of this.unset.splice(count)) this.unsetNames.delete(name);
  }
}

/** The modifier right after a variable name at `at`, if it is one Compose knows. */
function readOperator(s: string, at: number): Operator | undefined {
  const c = s[at];
  if (c === '-' || c === '?' || c === '+') return c;
  if (c === ':') {
    const d = s[at + 1];
    if (d === '-' || d === '?' || d === '+') return `:${d}`;
  }
  return undefined;
}

/**
 * End (exclusive) of the malformed expression starting at the `${` at `start`: just past the `}`
 * that balances it, counting nested `${`, or the end of the input when there is none.
 */
function closingBraceOf(s: string, start: number): number {
  let open = 0;
  for (let i = start; i < s.length; i++) {
    if (s[i] === '$' && s[i + 1] === '{') {
      open++;
      i++;
    } else if (s[i] === '}') {
      open--;
      if (open === 0) return i + 1;
    }
  }
  return s.length;
}
