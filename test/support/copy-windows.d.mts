/** Types of copy-windows.mjs: per task slot, when two or more live copies ran at once. */

/** Anything that names a task slot. */
export interface SlotRef {
  stack: string;
  service: string;
  slot: number;
}

/** One stretch of samples in which a slot had two or more live copies. */
export interface CopyWindow {
  /** `stack/service/slot`. */
  key: string;
  /** Time of the first sample with ≥ 2 copies. */
  from: number;
  /** Time of the last sample with ≥ 2 copies. */
  lastSeen: number;
  /** Time of the first later sample with fewer; undefined while open. */
  to: number | undefined;
  maxCopies: number;
  /** Hosts seen running a copy during the window. */
  hosts: number[];
}

/** `stack/service/slot`. */
export declare function slotKey(copy: SlotRef): string;
/** Copies grouped by slot key. */
export declare function groupBySlot<T extends SlotRef>(copies: readonly T[]): Map<string, T[]>;

/** Folds time-ordered samples of live copies into double-copy windows. */
export declare class CopyWindows {
  /** Every window, in opening order (closed and open). */
  readonly windows: CopyWindow[];
  /** Most copies ever seen at once, by slot key. */
  readonly maxCopies: Map<string, number>;
  /** Samples added. */
  readonly samples: number;
  readonly firstAt: number | undefined;
  readonly lastAt: number | undefined;
  /** Adds the copies seen at `at` (epoch ms, not before the previous sample). */
  add(at: number, copies: ReadonlyArray<SlotRef & { host: number }>): void;
  /** Windows the last sample did not close. */
  readonly open: CopyWindow[];
  /** The longest window in ms (an open one counts up to the last sample); 0 when none. */
  longestMs(): number;
  /** One line per window (times relative to `origin`, default the first sample). */
  describe(origin?: number): string[];
}
