/**
 * One function per fault of the cluster tests (see cluster-scenarios.ts for the stack and the
 * yardsticks). Each pushes the stack it deploys onto `stacks`, so the suite's afterEach can
 * heal the cluster and take it down even when an assertion failed half-way. Measured figures
 * are printed (they are not asserted: speed targets live in bench/failover.mjs).
 */
import { expect } from 'vitest';
import { sleep } from '../support/berth-process.mjs';
import type { Cluster } from '../support/cluster-harness.mjs';
import { slotKey } from '../support/copy-windows.mjs';
import {
  CUT_MS,
  DESIRED,
  SETTLE_MS,
  convergenceProblems,
  deploy,
  expectDenseSampling,
  frontVictim,
  idsBySlot,
  waitAgreement,
  waitConverged,
} from './cluster-scenarios.js';

/**
 * Host killed (agent and workloads) → its tasks run again on the other hosts, constraints kept,
 * never two copies; when the host comes back with its workloads gone (as after a reboot), it
 * runs none of its old tasks again, not even for a moment.
 */
export async function hostKilled(cluster: Cluster, stacks: string[], label: string): Promise<void> {
  const { stack, sample } = await deploy(cluster, 'kill');
  stacks.push(stack);
  const victim = frontVictim(sample, stack);
  const lost = sample.copies.filter((c) => c.stack === stack && c.host === victim).map((c) => slotKey(c));
  const watch = cluster.watch();
  const killed = await cluster.killHost(victim);
  expect(killed.workloads).toBeGreaterThanOrEqual(lost.length);
  expect((await cluster.sampleTasks()).copies.filter((c) => c.host === victim)).toEqual([]);
  await waitConverged(cluster, stack, [victim]);
  const realMs = Date.now() - killed.at;
  await waitAgreement(cluster, stack);
  const reportedMs = Date.now() - killed.at;
  await watch.stop();
  console.log(`[${label}] host ${victim} killed (${lost.join(', ')}): replacements running after ${realMs} ms, berth ps agreed after ${reportedMs} ms`);
  expectDenseSampling(watch, `[${label}] host kill`);
  // At no moment did web run outside the front hosts, nor anything run twice.
  for (const s of watch.samples) {
    for (const c of s.copies) if (c.stack === stack && c.service === 'web') expect(DESIRED['web']?.hosts).toContain(c.host);
  }
  expect(watch.windows.windows).toEqual([]);
  const nodes = await cluster.nodes();
  expect(nodes.find((n) => n.name === `node-${victim}`)?.state).toBe('down');

  // The host comes back with its workloads gone (as after a reboot): it must not bring back
  // its old tasks, not even for a moment; the stack stays exactly as it is.
  const back = cluster.watch();
  await cluster.restartAgent(victim);
  await cluster.waitForNodes((all) => all.some((n) => n.name === `node-${victim}` && n.state === 'ready'), `node-${victim} ready again`);
  await sleep(3_000);
  await back.stop();
  const stale = new Map<string, { first: number; last: number }>();
  for (const s of back.samples) {
    for (const c of s.copies) {
      if (c.stack !== stack || c.host !== victim) continue;
      const seen = stale.get(slotKey(c));
      stale.set(slotKey(c), { first: seen?.first ?? s.at - killed.at, last: s.at - killed.at });
    }
  }
  const staleLines = [...stale].map(([key, t]) => `${key} from +${t.first} ms to +${t.last} ms after the kill`);
  expect(staleLines, `host ${victim} ran its old tasks again after coming back`).toEqual([]);
  expect(back.windows.windows).toEqual([]);
  expect(convergenceProblems((await cluster.sampleTasks()).copies, stack)).toEqual([]);
}

/** Agent killed and restarted within the grace → the same workloads keep running, nothing moves. */
export async function agentRestartedWithinGrace(cluster: Cluster, stacks: string[], label: string): Promise<void> {
  const { stack, sample } = await deploy(cluster, 'readopt');
  stacks.push(stack);
  const before = idsBySlot(sample.copies, stack);
  const psBefore = (await cluster.ps(stack)).filter((t) => t.state === 'running').map((t) => `${t.id}@${t.node ?? '?'}`).sort();
  const host = frontVictim(sample, stack);
  const watch = cluster.watch();
  const { at } = await cluster.killAgent(host);
  await cluster.restartAgent(host);
  const backMs = Date.now() - at;
  await sleep(SETTLE_MS);
  await watch.stop();
  console.log(`[${label}] agent of host ${host} killed and connected again after ${backMs} ms (the grace is 3000 ms)`);
  expectDenseSampling(watch, `[${label}] agent restart`);
  for (const s of watch.samples) expect(idsBySlot(s.copies, stack)).toEqual(before);
  const psAfter = await cluster.ps(stack);
  expect(psAfter.filter((t) => t.state === 'running').map((t) => `${t.id}@${t.node ?? '?'}`).sort()).toEqual(psBefore);
  expect(psAfter.every((t) => t.restarts === 0)).toBe(true);
  const nodes = await cluster.nodes();
  expect(nodes.find((n) => n.name === `node-${host}`)?.state).toBe('ready');
}

/**
 * Connection cut (blackhole) for CUT_MS with default settings, sampled every 100 ms → no slot
 * ever has two live copies; the cut host's tasks are replaced during the cut; once restored the
 * stack converges to exactly the desired set and `berth ps` agrees.
 */
export async function connectionCut(cluster: Cluster, stacks: string[], label: string): Promise<void> {
  const { stack, sample } = await deploy(cluster, 'cut');
  stacks.push(stack);
  const victim = frontVictim(sample, stack);
  const cutSlots = sample.copies.filter((c) => c.stack === stack && c.host === victim).map((c) => slotKey(c));
  const watch = cluster.watch();
  const cutAt = cluster.cut(victim);
  await sleep(CUT_MS);
  const restoredAt = cluster.restore(victim);
  await waitConverged(cluster, stack, []);
  await waitAgreement(cluster, stack);
  await sleep(1_000);
  await watch.stop();
  console.log(`[${label}] host ${victim} cut for ${restoredAt - cutAt} ms; ${watch.windows.describe(cutAt).join('; ')}`);
  expectDenseSampling(watch, `[${label}] cut`);
  expect(watch.windows.windows).toEqual([]);
  // The cut host's slots did move during the cut: the lease and the replacement both happened.
  const movedAt = watch.samples.find(
    (s) => s.at < restoredAt && cutSlots.every((k) => s.copies.some((c) => slotKey(c) === k && c.host !== victim)),
  )?.at;
  expect(movedAt, `slots ${cutSlots.join(', ')} were never replaced during the cut`).toBeDefined();
  const gone = watch.samples.find((s) => s.at >= cutAt && !s.copies.some((c) => c.stack === stack && c.host === victim))?.at;
  console.log(`[${label}] cut host's tasks stopped (fenced) after ${gone === undefined ? 'never' : `${gone - cutAt} ms`}, replaced after ${(movedAt ?? cutAt) - cutAt} ms`);
  const final = await cluster.sampleTasks();
  expect(final.unattributed).toEqual([]);
  const nodes = await cluster.nodes();
  expect(nodes.find((n) => n.name === `node-${victim}`)?.state).toBe('ready');
}

/**
 * Agent frozen (SIGSTOP) for CUT_MS while its workloads run on, then SIGCONT → on resume its
 * stale tasks stop before it starts anything, every double-copy window closes, and the stack
 * converges. Prints how long two copies ran (a frozen agent cannot fence itself).
 */
export async function agentFrozen(cluster: Cluster, stacks: string[], label: string): Promise<void> {
  const { stack, sample } = await deploy(cluster, 'stop');
  stacks.push(stack);
  const victim = frontVictim(sample, stack);
  const stale = new Set(sample.copies.filter((c) => c.stack === stack && c.host === victim).map((c) => c.id));
  const watch = cluster.watch();
  const stoppedAt = cluster.stop(victim);
  await sleep(CUT_MS);
  const resumedAt = cluster.cont(victim);
  await cluster.waitFor(async () => !(await cluster.sampleTasks()).copies.some((c) => stale.has(c.id)), {
    timeoutMs: 30_000,
    what: `the stale tasks of host ${victim} to stop after SIGCONT`,
  });
  await waitConverged(cluster, stack, []);
  await waitAgreement(cluster, stack);
  await sleep(1_000);
  await watch.stop();
  const windows = watch.windows;
  const staleGone = watch.samples.find((s) => s.at >= resumedAt && !s.copies.some((c) => stale.has(c.id)))?.at;
  console.log(
    `[${label}] host ${victim}'s agent stopped ${resumedAt - stoppedAt} ms; stale tasks gone ${staleGone === undefined ? '?' : staleGone - resumedAt} ms after SIGCONT`,
  );
  for (const w of windows.windows) {
    console.log(`[${label}]   two copies of ${w.key} for ${(w.to ?? w.lastSeen) - w.from} ms (from +${w.from - stoppedAt} ms, ended ${w.to === undefined ? 'never' : `${w.to - resumedAt} ms after SIGCONT`})`);
  }
  if (windows.windows.length === 0) console.log(`[${label}]   no slot ever had two live copies`);
  expectDenseSampling(watch, `[${label}] SIGSTOP`);
  expect(windows.open).toEqual([]);
  for (const w of windows.windows) expect(w.hosts).toContain(victim);
  // Stale first: after SIGCONT, while a stale copy still ran, the host started nothing new.
  for (const s of watch.samples) {
    if (s.at < resumedAt || staleGone === undefined || s.at >= staleGone) continue;
    const fresh = s.copies.filter((c) => c.stack === stack && c.host === victim && !stale.has(c.id));
    expect(fresh, `host ${victim} started tasks while its stale ones still ran`).toEqual([]);
  }
  expect((await cluster.sampleTasks()).unattributed).toEqual([]);
}

/** `berth node update NODE --availability drain` → its tasks move off it, constraints kept. */
export async function nodeDrained(cluster: Cluster, stacks: string[], label: string): Promise<void> {
  const { stack, sample } = await deploy(cluster, 'drain');
  stacks.push(stack);
  const victim = frontVictim(sample, stack);
  const watch = cluster.watch();
  const at = Date.now();
  const r = await cluster.berth(['node', 'update', `node-${victim}`, '--availability', 'drain']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  await waitConverged(cluster, stack, [victim]);
  const movedMs = Date.now() - at;
  await waitAgreement(cluster, stack);
  await watch.stop();
  console.log(`[${label}] node-${victim} drained: its tasks ran elsewhere after ${movedMs} ms; ${watch.windows.describe(at).join('; ')}`);
  const node = (await cluster.nodes()).find((n) => n.name === `node-${victim}`);
  expect(node?.availability).toBe('drain');
  expect(node?.state).toBe('ready');
  expect(node?.tasks).toBe(0);
}
