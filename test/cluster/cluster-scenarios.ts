/**
 * The fault scenarios of the cluster tests, shared by the process-driver and Docker suites. Each
 * deploys its own stack on a running 3-host cluster (hosts 1 and 2 `tier=front`, host 3
 * `tier=back`):
 *
 *   web     2 replicas, constraint node.labels.tier == front   → only hosts 1 and 2
 *   worker  3 replicas, no constraint                          → any host
 *
 * and judges the outcome by what really runs (Cluster.sampleTasks: processes and containers),
 * then checks that the scheduler's `berth ps` agrees. healCluster() undoes every fault, so the
 * next scenario starts from three ready, active, connected hosts.
 */
import { expect } from 'vitest';
import { sleep } from '../support/berth-process.mjs';
import type { Cluster, PsTask, TaskSample, Watch } from '../support/cluster-harness.mjs';
import { slotKey } from '../support/copy-windows.mjs';
import { desiredSetProblems, type DesiredServices } from '../support/desired-set.mjs';
import type { LiveCopy } from '../support/host-workloads.mjs';

/** Node labels of host n. */
export function hostLabels(n: number): Record<string, string> {
  return { tier: n <= 2 ? 'front' : 'back', zone: `z${n}` };
}

/** Replicas and allowed hosts of each service of the scenario stack. */
export const DESIRED: DesiredServices = {
  web: { replicas: 2, hosts: [1, 2] },
  worker: { replicas: 3, hosts: [1, 2, 3] },
};

/** With the default heartbeat (1 s × 3) and fence margin (1 s), a host is replaced after ~4 s. */
export const CUT_MS = 10_000;
const CONVERGE_TIMEOUT_MS = 60_000;
/** Long enough past grace + margin that a wrong replacement would have shown. */
export const SETTLE_MS = 6_000;

/** The scenario stack for a driver: short-lived-command workloads that stop at once on SIGTERM. */
export function stackYaml(driver: 'process' | 'docker'): string {
  const runs =
    driver === 'process'
      ? ['    command: ["sleep", "3600"]', '    x-berth:', '      driver: process']
      : ['    image: berth-test/busybox:latest', '    pull_policy: never', '    init: true', '    command: ["sleep", "3600"]'];
  return [
    'services:',
    '  web:',
    ...runs,
    '    deploy:',
    '      replicas: 2',
    '      placement:',
    '        constraints: ["node.labels.tier == front"]',
    '  worker:',
    ...runs,
    '    deploy:',
    '      replicas: 3',
    '',
  ].join('\n');
}

/** Why `copies` is not exactly the desired set of `stack` (empty when it is). */
export function convergenceProblems(copies: readonly LiveCopy[], stack: string, avoid: readonly number[] = []): string[] {
  return desiredSetProblems(copies, stack, DESIRED, avoid);
}

/** Where `berth ps` and reality disagree about the running tasks of `stack` (empty when they agree). */
export function disagreements(ps: readonly PsTask[], copies: readonly LiveCopy[], stack: string): string[] {
  const reported = ps.filter((t) => t.state === 'running').map((t) => `${t.service}/${t.slot} ${t.id}@${t.node ?? '?'}`);
  const real = copies.filter((c) => c.stack === stack).map((c) => `${c.service}/${c.slot} ${c.taskId}@node-${c.host}`);
  const r = new Set(real);
  const p = new Set(reported);
  return [...reported.filter((x) => !r.has(x)).map((x) => `ps says running, is not: ${x}`), ...real.filter((x) => !p.has(x)).map((x) => `runs, ps does not say so: ${x}`)];
}

/** `berth up`s a fresh scenario stack and waits until exactly the desired set runs. */
export async function deploy(cluster: Cluster, prefix: string): Promise<{ stack: string; sample: TaskSample }> {
  const stack = cluster.stackName(prefix);
  await cluster.up(stack, stackYaml(cluster.driver));
  const sample = await waitConverged(cluster, stack, []);
  await waitAgreement(cluster, stack);
  return { stack, sample };
}

/** Waits until exactly the desired set of `stack` runs, none of it on `avoid`. */
export async function waitConverged(cluster: Cluster, stack: string, avoid: readonly number[], timeoutMs = CONVERGE_TIMEOUT_MS): Promise<TaskSample> {
  let last: string[] = [];
  try {
    return await cluster.waitFor(
      async () => {
        const s = await cluster.sampleTasks();
        last = convergenceProblems(s.copies, stack, avoid);
        return last.length === 0 ? s : undefined;
      },
      { timeoutMs, what: `stack ${stack} to converge${avoid.length > 0 ? ` off host ${avoid.join(',')}` : ''}` },
    );
  } catch (error) {
    const ps = await cluster.ps(stack).catch(() => []);
    const tasks = ps.map((t) => `${t.service}/${t.slot} ${t.state} on ${t.node ?? '-'} ${t.message}`).join('\n  ');
    throw new Error(`${(error as Error).message}\nlast problems: ${last.join('; ')}\nberth ps:\n  ${tasks}`);
  }
}

/** Waits until `berth ps` reports running exactly what runs. */
export async function waitAgreement(cluster: Cluster, stack: string, timeoutMs = 30_000): Promise<PsTask[]> {
  let last: string[] = [];
  try {
    return await cluster.waitFor(
      async () => {
        const [ps, s] = [await cluster.ps(stack), await cluster.sampleTasks()];
        last = disagreements(ps, s.copies, stack);
        return last.length === 0 ? ps : undefined;
      },
      { timeoutMs, intervalMs: 300, what: `berth ps to agree with what runs of ${stack}` },
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}\nlast disagreements: ${last.join('; ')}`);
  }
}

/** A front host (1 or 2) running a web copy: losing it forces web onto the other front host. */
export function frontVictim(sample: TaskSample, stack: string): number {
  const host = sample.copies.find((c) => c.stack === stack && c.service === 'web')?.host;
  if (host === undefined) throw new Error('no web copy runs');
  return host;
}

/** `copies` of `stack` as slot key → copy id. */
export function idsBySlot(copies: readonly LiveCopy[], stack: string): Map<string, string> {
  return new Map(copies.filter((c) => c.stack === stack).map((c) => [slotKey(c), c.id]));
}

/** Checks the sampler kept up (a long gap could hide a double copy) and says how it did. */
export function expectDenseSampling(watch: Watch, what: string): void {
  const at = watch.samples.map((s) => s.at);
  const gaps = at.slice(1).map((t, i) => t - (at[i] ?? t));
  const sorted = [...gaps].sort((a, b) => a - b);
  const spanMs = (at.at(-1) ?? 0) - (at[0] ?? 0);
  console.log(
    `${what}: ${watch.samples.length} samples over ${spanMs} ms, interval median ${sorted[sorted.length >> 1] ?? 0} ms, max ${sorted.at(-1) ?? 0} ms`,
  );
  expect(watch.samples.length).toBeGreaterThanOrEqual(Math.floor(spanMs / 400));
}

/**
 * Undoes every fault (restores proxies, resumes and restarts agents, reactivates nodes), takes
 * `stacks` down and waits until nothing of them runs and every node is ready and active.
 */
export async function healCluster(cluster: Cluster, stacks: readonly string[]): Promise<void> {
  for (const h of cluster.hosts) {
    if (h.proxy.mode !== 'open') cluster.restore(h.n);
    if (h.agent.running) h.agent.signal('SIGCONT');
  }
  for (const h of cluster.hosts) if (!h.agent.running) await cluster.restartAgent(h.n);
  await cluster.waitForNodes((nodes) => cluster.hosts.every((h) => nodes.some((x) => x.name === h.name && x.state === 'ready')), 'every node ready again');
  for (const node of await cluster.nodes()) {
    if (node.availability === 'active') continue;
    const r = await cluster.berth(['node', 'update', node.name, '--availability', 'active']);
    if (r.status !== 0) throw new Error(`berth node update ${node.name} --availability active failed: ${r.stderr}`);
  }
  for (const stack of stacks) {
    const r = await cluster.berth(['down', '-p', stack, '--timeout', '5'], 90_000);
    if (r.status !== 0) throw new Error(`berth down ${stack} failed (${r.status}): ${r.stderr}`);
    await cluster.waitFor(async () => (await cluster.sampleTasks()).copies.every((c) => c.stack !== stack), {
      timeoutMs: 30_000,
      what: `nothing of ${stack} to run`,
    });
  }
}

