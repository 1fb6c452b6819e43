/**
 * The driver half of cleaning up after a removed stack: every driver that can
 * (`RuntimeDriver.cleanupStack`) deletes what it made for the stack. What a driver keeps (still
 * in use) and a driver that fails become warnings; nothing is thrown, so a cleanup can never
 * break the agent. The supervisor decides when this runs (after the stack's removals).
 */
import type { DriverName } from '@berth/api';
import type { RuntimeDriver } from '../runtime/runtime.js';
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
