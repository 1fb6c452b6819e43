// @ts-check
/**
 * Pure bookkeeping over a series of reality samples: for each task slot (stack/service/slot),
 * the windows during which two or more live copies ran at once. A window opens at the first
 * sample that sees ≥ 2 copies and closes at the first later sample that sees fewer, so its
 * length is exact to one sampling interval (it may be up to that much shorter in reality).
 * Types and TSDoc: copy-windows.d.mts.
 */

/**
 * `stack/service/slot`.
 * @param {{ stack: string; service: string; slot: number }} copy
 */
export function slotKey(copy) {
  return `${copy.stack}/${copy.service}/${copy.slot}`;
}

/**
 * Copies grouped by slot key.
 * @template {{ stack: string; service: string; slot: number }} T
 * @param {readonly T[]} copies
 * @returns {Map<string, T[]>}
 */
export function groupBySlot(copies) {
  /** @type {Map<string, T[]>} */
  const bySlot = new Map();
  for (const c of copies) {
    const key = slotKey(c);
    const list = bySlot.get(key);
    if (list) list.push(c);
    else bySlot.set(key, [c]);
  }
  return bySlot;
}

/** Folds samples into double-copy windows; see copy-windows.d.mts. */
export class CopyWindows {
  /** @type {import('./copy-windows.d.mts').CopyWindow[]} */
  windows = [];
  /** @type {Map<string, number>} */
  maxCopies = new Map();
  samples = 0;
  /** @type {number | undefined} */
  firstAt;
  /** @type {number | undefined} */
  lastAt;
  /** @type {Map<string, import('./copy-windows.d.mts').CopyWindow>} */
  #open = new Map();

  /**
   * @param {number} at
   * @param {ReadonlyArray<{ stack: string; service: string; slot: number; host: number }>} copies
   */
  add(at, copies) {
    if (this.lastAt !== undefined && at < this.lastAt) throw new Error(`samples must come in time order (${at} < ${this.lastAt})`);
    this.samples += 1;
    this.firstAt ??= at;
    this.lastAt = at;
    const bySlot = groupBySlot(copies);
    for (const [key, list] of bySlot) {
      this.maxCopies.set(key, Math.max(this.maxCopies.get(key) ?? 0, list.length));
      if (list.length < 2) continue;
      const hosts = list.map((c) => c.host);
      const open = this.#open.get(key);
      if (open) {
        open.lastSeen = at;
        open.maxCopies = Math.max(open.maxCopies, list.length);
        for (const h of hosts) if (!open.hosts.includes(h)) open.hosts.push(h);
      } else {
        const window = { key, from: at, lastSeen: at, to: undefined, maxCopies: list.length, hosts: [...new Set(hosts)] };
        this.#open.set(key, window);
        this.windows.push(window);
      }
    }
    for (const [key, window] of this.#open) {
      if ((bySlot.get(key)?.length ?? 0) >= 2) continue;
      window.to = at;
      this.#open.delete(key);
    }
  }

  /** Windows not closed by the last sample. */
  get open() {
    return [...this.#open.values()];
  }

  /** The longest window (an open one counts up to the last sample); 0 when none. */
  longestMs() {
    let longest = 0;
    for (const w of this.windows) longest = Math.max(longest, (w.to ?? this.lastAt ?? w.from) - w.from);
    return longest;
  }

  /**
   * One line per window, times relative to `origin` (default: the first sample).
   * @param {number} [origin]
   */
  describe(origin = this.firstAt ?? 0) {
    if (this.windows.length === 0) return [`no slot ever had two live copies (${this.samples} samples)`];
    return this.windows.map((w) => {
      const end = w.to === undefined ? `still open at +${(this.lastAt ?? 0) - origin} ms` : `until +${w.to - origin} ms (${w.to - w.from} ms)`;
      return `${w.key}: ${w.maxCopies} copies on hosts ${w.hosts.join(',')} from +${w.from - origin} ms ${end}`;
    });
  }
}
