/**
 * Defensive readers for raw model values. The schema has already reported values of the wrong
 * type, so a reader returns undefined for those without a message. Strings are another matter:
 * interpolation turns `${N}` into text, and the schema accepts strings for numbers and booleans,
 * so a string that does not parse is reported here.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import { isRawMap, type RawMap, type RawValue } from '../raw-model.js';

/** The value as a mapping, or undefined. */
export function mapOf(v: RawValue | undefined): RawMap | undefined {
  return isRawMap(v) ? v : undefined;
}

/** The value as a list, or undefined. */
export function listOf(v: RawValue | undefined): readonly RawValue[] | undefined {
  return Array.isArray(v) ? v : undefined;
}

/**
 * Sets `record[key]` as an own property. Keys here are user-chosen names (services, variables,
 * labels), and a plain assignment of `__proto__` would change the prototype instead.
 */
export function setOwn<T>(record: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(record, key, { value, enumerable: true, writable: true, configurable: true });
  else record[key] = value;
}

/** `table[key]` for own keys only, so `constructor` or `toString` never match a lookup table. */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** The value if it is a string. */
export function stringOf(v: RawValue | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/**
 * The value if it is a non-empty string. For optional text settings an empty string is "not set",
 * as in Compose, where `image: ${TAG}` with TAG unset means no image rather than the image "".
 */
export function nonEmptyString(v: RawValue | undefined): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

/** A scalar as text (`8080` → `"8080"`, `true` → `"true"`); undefined for null and collections. */
export function scalarText(v: RawValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A string, or a list of strings (`string_or_list`), as a list; other items are skipped. */
export function stringList(v: RawValue | undefined): string[] {
  if (typeof v === 'string') return [v];
  return (listOf(v) ?? []).flatMap((item) => (typeof item === 'string' ? [item] : []));
}

const TRUE_WORDS = new Set(['true', 'yes', 'on']);
const FALSE_WORDS = new Set(['false', 'no', 'off']);

/** A boolean, also from interpolated text like `"true"`; reports text that is not a boolean. */
export function readBoolean(v: RawValue | undefined, path: ModelPath, diag: Diagnostics): boolean | undefined {
  if (typeof v === 'boolean') return v;
  if (typeof v !== 'string') return undefined;
  const word = v.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  diag.error(path, `expected a boolean (true or false), got ${JSON.stringify(v)}`);
  return undefined;
}

/** A whole number ≥ `min`, also from text like `"3"`; reports anything else that is a scalar. */
export function readInteger(
  v: RawValue | undefined,
  path: ModelPath,
  diag: Diagnostics,
  min = 0,
): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && /^\s*[+-]?\d+\s*$/.test(v)) n = Number(v);
  else if (typeof v === 'string') {
    diag.error(path, `expected a whole number, got ${JSON.stringify(v)}`);
    return undefined;
  } else return undefined;
  if (!Number.isSafeInteger(n)) {
    diag.error(path, `expected a whole number, got ${String(v)}`);
    return undefined;
  }
  if (n < min) {
    diag.error(path, `must be at least ${min}, got ${n}`);
    return undefined;
  }
  return n;
}

/** A finite number ≥ `min`, also from text like `"0.5"`; reports anything else that is a scalar. */
export function readNumber(
  v: RawValue | undefined,
  path: ModelPath,
  diag: Diagnostics,
  min = 0,
): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string') {
    n = v.trim() === '' ? NaN : Number(v);
    if (!Number.isFinite(n)) {
      diag.error(path, `expected a number, got ${JSON.stringify(v)}`);
      return undefined;
    }
  } else return undefined;
  if (n < min) {
    diag.error(path, `must be at least ${min}, got ${n}`);
    return undefined;
  }
  return n;
}

/** One of `allowed`; reports other strings, listing what is allowed. */
export function readChoice<T extends string>(
  v: RawValue | undefined,
  allowed: readonly T[],
  path: ModelPath,
  diag: Diagnostics,
  what: string,
): T | undefined {
  if (typeof v !== 'string') return undefined;
  if ((allowed as readonly string[]).includes(v)) return v as T;
  diag.error(path, `invalid ${what} ${JSON.stringify(v)}: expected ${listWords(allowed)}`);
  return undefined;
}

/** `a`, `a or b`, `a, b or c` with each word quoted. */
export function listWords(words: readonly string[]): string {
  const quoted = words.map((w) => JSON.stringify(w));
  return quoted.length <= 1 ? (quoted[0] ?? '') : `${quoted.slice(0, -1).join(', ')} or ${quoted.at(-1) ?? ''}`;
}
