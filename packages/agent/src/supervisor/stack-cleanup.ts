/**
 * Cleaning up after a removed stack on this node.
 *
 * `StackCleanups` decides when: a cleanup waits until the node has no task of the stack and no
 * operation on one under way (its removals finish first), but no longer than the wait given;
 * after that the drivers delete only what is unused. A stack that gets tasks here again while
 * the cleanup waits is not cleaned up, and new tasks of a stack start only after a cleanup of it
 * that is under way (`underWay`), so a quick `down` then `up` never loses the fresh stack's
 * network to the old stack's cleanup.
 *
 * `cleanupDrivers` is the driver half: every driver that can (`RuntimeDriver.cleanupStack`)
 * deletes what it made for the stack. What a driver keeps (still in use) and a driver that fails
 * become warnings; nothing is thrown, so a cleanup can never break the agent.
 */
import type { DriverName } from '@berth/api';
import type { RuntimeDriver } from '../runtime/runtime.js';
import type { Clock, TimerHandle } from '../task/clock.js';
import { errorMessage } from '../task/run-outcome.js';

/** What cleaning up a stack did on this node. */
export interface StackCleanupResult {
  stack: string;
  /** Why nothing was attempted (the stack has tasks here again, the agent is closing). */
  skipped?: string;
  /** What the drivers deleted, e.g. `network shop_default`. */
  removed: string[];
  /** What they left and why; each was also a warning. */
  kept: string[];
}

/** Runs each driver's cleanup of `stack` in turn; `warn` hears every kept object and failure. */
export async function cleanupDrivers(
  drivers: Partial<Record<DriverName, RuntimeDriver>>,
  stack: string,
  options: { removeVolumes: boolean },
  warn: (message: string) => void,
): Promise<StackCleanupResult> {
  const result: StackCleanupResult = { stack, removed: [], kept: [] };
  for (const [name, driver] of Object.entries(drivers) as [DriverName, RuntimeDriver][]) {
    if (driver.cleanupStack === undefined) continue;
    try {
      const report = await driver.cleanupStack(stack, options);
      result.removed.push(...report.removed);
      result.kept.push(...report.kept);
      for (const kept of report.kept) warn(`stack ${stack}: kept ${kept}`);
    } catch (err) {
      const message = `cleaning up stack ${stack} with the ${name} driver failed: ${errorMessage(err)}`;
      result.kept.push(message);
      warn(message);
    }
  }
  return result;
}

/** What {@link StackCleanups} needs of the supervisor. */
export interface StackCleanupHost {
  clock: Clock;
  drivers: Partial<Record<DriverName, RuntimeDriver>>;
  /** Longest wait for the stack's tasks to be gone (ms). */
  waitMs: number;
  warn(message: string): void;
  /** Ids of the node's tasks of `stack`. */
  taskIdsOf(stack: string): string[];
  /** Whether an operation on a task of `stack` is under way. */
  operating(stack: string): boolean;
  /** Whether the supervisor is closing (waiting cleanups give up). */
  closed(): boolean;
}

/** How waiting for a stack to have nothing left on the node ended. */
type QuietOutcome = 'quiet' | 'redeployed' | 'timeout' | 'closed';

/** The node's stack cleanups: when each runs (see the module comment). */
export class StackCleanups {
  readonly #host: StackCleanupHost;
  /** Cleanups waiting for their stack to be gone: each re-checks when tasks or operations change. */
  readonly #quietChecks = new Set<() => void>();
  /** Driver cleanups under way, by stack. */
  readonly #cleaning = new Map<string, Promise<StackCleanupResult>>();

  /** Cleanups for the supervisor described by `host`. */
  constructor(host: StackCleanupHost) {
    this.#host = host;
  }

  /** The cleanup of `stack` under way, if any: a new task of the stack starts after it. */
  underWay(stack: string): Promise<StackCleanupResult> | undefined {
    return this.#cleaning.get(stack);
  }

  /** Tasks or operations changed (or the supervisor is closing): waiting cleanups look again. */
  changed(): void {
    for (const check of [...this.#quietChecks]) check();
  }

  /** Cleans up `stack` once it is quiet on the node; never rejects. */
  async run(stack: string, options: { removeVolumes: boolean }): Promise<StackCleanupResult> {
    const host = this.#host;
    const before = new Set(host.taskIdsOf(stack));
    const outcome = await this.#untilQuiet(stack, before);
    const skipped = (why: string): StackCleanupResult => ({ stack, skipped: why, removed: [], kept: [] });
    if (outcome === 'closed') return skipped('the agent is shutting down');
    if (outcome === 'redeployed') return skipped('the stack has tasks on this node again');
    if (outcome === 'timeout') {
      host.warn(`stack ${stack}: tasks still there after ${host.waitMs} ms; cleaning up only what they do not use`);
    }
    // Registered in the same turn as the checks above, so no new task of the stack slips in between.
    const run = cleanupDrivers(host.drivers, stack, options, (m) => host.warn(m));
    this.#cleaning.set(stack, run);
    try {
      return await run;
    } finally {
      if (this.#cleaning.get(stack) === run) this.#cleaning.delete(stack);
    }
  }

  /**
   * Resolves once the node has no task of `stack` and no operation on one under way (`quiet`),
   * when a task of it not among `before` appears (`redeployed`), after the wait (`timeout`), or
   * when the supervisor closes.
   */
  #untilQuiet(stack: string, before: ReadonlySet<string>): Promise<QuietOutcome> {
    const host = this.#host;
    return new Promise((resolve) => {
      let timer: TimerHandle | undefined;
      const finish = (outcome: QuietOutcome): void => {
        this.#quietChecks.delete(check);
        if (timer !== undefined) host.clock.clearTimeout(timer);
        resolve(outcome);
      };
      const check = (): void => {
        const ids = host.taskIdsOf(stack);
        if (host.closed()) finish('closed');
        else if (ids.some((id) => !before.has(id))) finish('redeployed');
        else if (ids.length === 0 && !host.operating(stack)) finish('quiet');
      };
      this.#quietChecks.add(check);
      check();
      if (this.#quietChecks.has(check)) timer = host.clock.setTimeout(() => finish('timeout'), host.waitMs);
    });
  }
}
