/**
 * Task ids: 12 characters of lowercase Crockford base32 (`0-9a-z` minus `i l o u`), the first
 * 9 the creation time in ms (45 bits: good until the year 3084), the last 3 a sequence within
 * that ms. Fixed width and an alphabet in ASCII order make ids sort by creation, and they are
 * safe as file and directory names (the process driver uses them as such).
 *
 * The sequence starts at a random point in each new ms (so two schedulers' ids rarely meet)
 * and counts up within it; when it runs out the generator borrows the next ms. A clock that
 * goes backwards never makes ids go backwards: the generator keeps its own last time.
 */

/** Lowercase Crockford base32; ascending in ASCII, so ids compare as their numbers do. */
const ALPHABET = '0123456789abcdefghjkmnpqrstvwxyz';
const TIME_CHARS = 9;
const SEQUENCE_CHARS = 3;
const SEQUENCE_LIMIT = 32 ** SEQUENCE_CHARS;
// A new ms starts its sequence in the lower half, leaving the upper half to count into.
const SEQUENCE_START_RANGE = SEQUENCE_LIMIT / 2;

/** Length of every task id. */
export const TASK_ID_LENGTH = TIME_CHARS + SEQUENCE_CHARS;

/** Where a generator gets its time and randomness (injectable for tests). */
export interface TaskIdSource {
  /** Epoch ms; default `Date.now`. */
  now?: () => number;
  /** A number in [0, 1); default `Math.random`. */
  random?: () => number;
}

/** `value` as exactly `width` base32 digits (high digits dropped). */
function base32(value: number, width: number): string {
  let out = '';
  let rest = Math.floor(value);
  for (let i = 0; i < width; i++) {
    out = ALPHABET[rest % 32]! + out;
    rest = Math.floor(rest / 32);
  }
  return out;
}

/** A generator of unique, time-ordered task ids (unique within the generator; see the module comment). */
export function taskIdGenerator(source: TaskIdSource = {}): () => string {
  const now = source.now ?? Date.now;
  const random = source.random ?? Math.random;
  let lastMs = -1;
  let sequence = 0;
  return () => {
    const ms = now();
    if (ms > lastMs) {
      lastMs = ms;
      sequence = Math.floor(random() * SEQUENCE_START_RANGE);
    } else {
      sequence += 1;
      if (sequence >= SEQUENCE_LIMIT) {
        lastMs += 1;
        sequence = 0;
      }
    }
    return base32(lastMs, TIME_CHARS) + base32(sequence, SEQUENCE_CHARS);
  };
}
