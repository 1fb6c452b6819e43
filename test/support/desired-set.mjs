// @ts-check
/**
 * Whether what really runs of a stack is exactly its desired set: every replica slot of every
 * service has one live copy, on a host its constraints allow, none on the hosts to avoid, and
 * nothing else runs. Pure; shared by the cluster tests and bench/failover.mjs. Types: .d.mts.
 */
import { groupBySlot, slotKey } from './copy-windows.mjs';

/**
 * Why `copies` is not exactly the desired set of `stack` (empty when it is).
 * @param {ReadonlyArray<import('./host-workloads.d.mts').LiveCopy>} copies
 * @param {string} stack
 * @param {import('./desired-set.d.mts').DesiredServices} desired
 * @param {readonly number[]} [avoid]
 */
export function desiredSetProblems(copies, stack, desired, avoid = []) {
  const bySlot = groupBySlot(copies.filter((c) => c.stack === stack));
  /** @type {string[]} */
  const problems = [];
  /** @type {Set<string>} */
  const expected = new Set();
  for (const [service, d] of Object.entries(desired)) {
    for (let slot = 1; slot <= d.replicas; slot++) {
      const key = slotKey({ stack, service, slot });
      expected.add(key);
      const list = bySlot.get(key) ?? [];
      if (list.length !== 1) problems.push(`${key}: ${list.length} copies`);
      for (const c of list) {
        if (!d.hosts.includes(c.host)) problems.push(`${key} runs on host ${c.host}, which its constraint excludes`);
        if (avoid.includes(c.host)) problems.push(`${key} still runs on host ${c.host}`);
      }
    }
  }
  for (const key of bySlot.keys()) if (!expected.has(key)) problems.push(`${key}: not desired but running`);
  return problems;
}
