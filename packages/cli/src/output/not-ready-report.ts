/** Why `up --wait` gave up: a headline, then one indented line per task that is not ready. */
import type { NotReady } from '../client/wait-condition.js';

/** Lines for stderr: `  web-2   failed: image … not found`, names padded to line up. */
export function notReadyLines(headline: string, notReady: readonly NotReady[]): string[] {
  const width = Math.max(0, ...notReady.map((n) => [...n.name].length));
  return [headline, ...notReady.map((n) => `  ${n.name.padEnd(width)}  ${n.reason}`)];
}
