/**
 * The outcome of parsing one user-written value: the value, or a message saying what is wrong.
 * String parsers return this instead of throwing so callers can report at the right path.
 */

/** A parsed value or the reason it could not be parsed. */
export type ParseResult<T> = { ok: true; value: T } | { ok: false; error: string };

/** A successful parse. */
export function parsed<T>(value: T): ParseResult<T> {
  return { ok: true, value };
}

/** A failed parse with a user-facing message. */
export function failed<T = never>(error: string): ParseResult<T> {
  return { ok: false, error };
}
