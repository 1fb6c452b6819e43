/**
 * "Did you mean ...?" for unknown keys: the allowed key nearest to the unknown one by edit
 * distance, offered only when it is close enough to be a plausible typo.
 */

/**
 * Edit distance counting insertions, deletions, substitutions and swaps of two neighbouring
 * characters (optimal string alignment), so `imgae` is one edit from `image`.
 */
export function editDistance(a: string, b: string): number {
  if (a === b) return 0;
  const rows = a.length + 1;
  const cols = b.length + 1;
  // d[i * cols + j] = distance between the first i chars of a and the first j chars of b.
  const d = new Array<number>(rows * cols).fill(0);
  const at = (i: number, j: number): number => d[i * cols + j] ?? 0;
  for (let i = 0; i < rows; i++) d[i * cols] = i;
  for (let j = 0; j < cols; j++) d[j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(at(i - 1, j) + 1, at(i, j - 1) + 1, at(i - 1, j - 1) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        best = Math.min(best, at(i - 2, j - 2) + 1);
      }
      d[i * cols + j] = best;
    }
  }
  return at(a.length, b.length);
}

/** Most edits a key of this length may be from a suggestion: 1 up to 4 chars, 2 up to 8, then 3. */
export function maxSuggestionDistance(length: number): number {
  if (length <= 4) return 1;
  if (length <= 8) return 2;
  return 3;
}

/**
 * The candidate nearest to `key` (case-insensitively, `-` and `_` alike), or undefined when
 * none is close enough. Ties go to the alphabetically first candidate, so the answer is stable.
 */
export function suggestKey(key: string, candidates: Iterable<string>): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/-/g, '_');
  const wanted = norm(key);
  const limit = maxSuggestionDistance(key.length);
  let best: { name: string; distance: number } | undefined;
  for (const name of candidates) {
    if (name === key) continue;
    const distance = editDistance(wanted, norm(name));
    // A suggestion must keep something of the key: "ab" is 2 edits from any 2-letter key.
    if (distance > limit || distance >= Math.max(key.length, name.length)) continue;
    if (!best || distance < best.distance || (distance === best.distance && name < best.name)) {
      best = { name, distance };
    }
  }
  return best?.name;
}
