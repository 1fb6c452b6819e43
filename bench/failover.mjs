// Failover: the time from killing a whole host (its agent SIGKILLed, then every workload it
// started) to every replacement task running on the other hosts, with berth's DEFAULT settings
// (heartbeat 1 s, down after 3 missed, replacements after the grace + the 1 s fence margin).
// A 3-host cluster of real processes (test/support/cluster-harness.mjs: a scheduler and three
// agents on 127.0.0.11-13, each through its own proxy), one stack per round:
//
//   web     2 replicas, constraint node.labels.tier == front (hosts 1 and 2 only)
//   worker  3 replicas, anywhere
//
// The victim is a front host running web, so a replacement must honour the constraint. Two
// figures per round, both from the moment before the SIGKILL:
//   reality    the first sample (every 50 ms, of the real processes / containers) in which
//              every slot runs exactly once and nothing on the dead host
//   scheduler  the store time of the last `running` event (`berth events`) of the replacements
// Median of ROUNDS (5) for the process driver and, when an engine with the local test image
// answers, for Docker. Swarm takes about 20 s and Nomad 20-30 s with their defaults.
// Usage: node bench/failover.mjs [--rounds N] [--driver process|docker]   (build first: npx tsc -b)
import { existsSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { BerthProcess, sleep } from '../test/support/berth-process.mjs';
import { Cluster } from '../test/support/cluster-harness.mjs';
import { slotKey } from '../test/support/copy-windows.mjs';
import { desiredSetProblems } from '../test/support/desired-set.mjs';
import { dockerAnswers, imagePresent } from '../test/support/docker-engine-api.mjs';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const IMAGE = 'berth-test/busybox:latest';
const ROUNDS = Number(argValue('--rounds') ?? 5);
const ONLY_DRIVER = argValue('--driver');
const SAMPLE_EVERY_MS = 50;
const FAILOVER_TIMEOUT_MS = 60_000;
const TARGET_MS = 5_000;
const DESIRED = { web: { replicas: 2, hosts: [1, 2] }, worker: { replicas: 3, hosts: [1, 2, 3] } };

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length === 0 ? NaN : s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
const ms = (x) => (Number.isFinite(x) ? `${Math.round(x)} ms` : 'n/a');
/** `median 1234 ms (min 1100, max 1400, n=5)`. */
function figure(xs) {
  if (xs.length === 0) return 'no samples';
  return `median ${ms(median(xs))} (min ${Math.round(Math.min(...xs))}, max ${Math.round(Math.max(...xs))}, n=${xs.length})`;
}

function stackYaml(driver) {
  const runs =
    driver === 'process'
      ? ['    command: ["sleep", "3600"]', '    x-berth:', '      driver: process']
      : [`    image: ${IMAGE}`, '    pull_policy: never', '    init: true', '    command: ["sleep", "3600"]'];
  const service = (name, replicas, constraint) => [
    `  ${name}:`,
    ...runs,
    '    deploy:',
    `      replicas: ${replicas}`,
    ...(constraint ? ['      placement:', `        constraints: ["${constraint}"]`] : []),
  ];
  return ['services:', ...service('web', 2, 'node.labels.tier == front'), ...service('worker', 3), ''].join('\n');
}

/** Polls reality every SAMPLE_EVERY_MS until `stack` is exactly its desired set off `avoid`; the sample. */
async function waitDesired(cluster, stack, avoid, timeoutMs = FAILOVER_TIMEOUT_MS) {
  const deadline = Date.now() + timeoutMs;
  let problems = [];
  for (;;) {
    const s = await cluster.sampleTasks();
    problems = desiredSetProblems(s.copies, stack, DESIRED, avoid);
    if (problems.length === 0) return s;
    if (Date.now() > deadline) {
      const ps = await cluster.ps(stack).catch(() => []);
      const tasks = ps.map((t) => `${t.service}/${t.slot} ${t.state} on ${t.node ?? '-'} ${t.message}`).join('\n  ');
      throw new Error(`${stack} did not converge in ${timeoutMs} ms: ${problems.join('; ')}\nberth ps:\n  ${tasks}\n${cluster.debug()}`);
    }
    await sleep(SAMPLE_EVERY_MS);
  }
}

/** `running` event times (epoch ms) by task id, from a `berth events --format json` process's output. */
function runningEvents(events) {
  const times = new Map();
  for (const line of events.output.split('\n')) {
    if (!line.startsWith('{')) continue;
    const e = JSON.parse(line);
    if (e.kind === 'task-state' && /^running/.test(e.message) && e.taskId) times.set(e.taskId, Date.parse(e.time));
  }
  return times;
}

/** One round: deploy, kill a front host, time both figures, heal. */
async function round(cluster, n) {
  const stack = cluster.stackName(`fo${n}`);
  await cluster.up(stack, stackYaml(cluster.driver));
  const before = await waitDesired(cluster, stack, []);
  const victim = before.copies.find((c) => c.stack === stack && c.service === 'web').host;
  const lost = before.copies.filter((c) => c.stack === stack && c.host === victim).map(slotKey);
  const events = new BerthProcess(['events', '-p', stack, '--format', 'json'], cluster.env, 'events');
  try {
    await sleep(1_000); // let the event stream subscribe
    const { at } = await cluster.killHost(victim);
    await waitDesired(cluster, stack, [victim]);
    const realityMs = Date.now() - at;
    // The scheduler's figure: when it recorded each replacement as running.
    const victimName = cluster.host(victim).name;
    const deadline = Date.now() + FAILOVER_TIMEOUT_MS;
    let schedulerMs;
    for (;;) {
      const ps = await cluster.ps(stack);
      const replacements = ps.filter((t) => t.state === 'running' && t.node !== victimName && lost.includes(slotKey(t)));
      const times = runningEvents(events);
      if (replacements.length === lost.length && replacements.every((t) => times.has(t.id))) {
        schedulerMs = Math.max(...replacements.map((t) => times.get(t.id))) - at;
        break;
      }
      if (Date.now() > deadline) throw new Error(`the scheduler never reported ${lost.join(', ')} running again\n${events.tail()}`);
      await sleep(200);
    }
    console.log(`round ${n}: host ${victim} killed (${lost.length} tasks): reality ${ms(realityMs)}, scheduler ${ms(schedulerMs)}`);
    return { realityMs, schedulerMs, victim };
  } finally {
    await events.stop();
  }
}

/** Brings the killed host back and removes the round's stack. */
async function heal(cluster, victim, stack) {
  await cluster.restartAgent(victim);
  await cluster.waitForNodes((nodes) => cluster.hosts.every((h) => nodes.some((x) => x.name === h.name && x.state === 'ready')), 'every node ready');
  const r = await cluster.berth(['down', '-p', stack, '--timeout', '5'], 90_000);
  if (r.status !== 0) throw new Error(`berth down ${stack}: ${r.stderr}`);
}

/** The cluster being measured, so Ctrl-C can still clean it up. */
let current;
process.once('SIGINT', () => {
  void (current?.close() ?? Promise.resolve()).finally(() => process.exit(130));
});

async function bench(driver) {
  const t0 = Date.now();
  const cluster = (current = await Cluster.start({ driver, labels: (n) => ({ tier: n <= 2 ? 'front' : 'back' }), prefix: `berth-bench-failover-${driver}-` }));
  console.log(`${driver}: cluster of 3 agents up in ${ms(Date.now() - t0)}`);
  const results = [];
  try {
    for (let n = 1; n <= ROUNDS; n++) {
      const r = await round(cluster, n);
      results.push(r);
      await heal(cluster, r.victim, cluster.stacks.at(-1));
    }
  } finally {
    await cluster.close();
    current = undefined;
  }
  const reality = results.map((r) => r.realityMs);
  const scheduler = results.map((r) => r.schedulerMs);
  console.log(`failover ${driver}, kill -> replacements running (reality):        ${figure(reality)}`);
  console.log(`failover ${driver}, kill -> replacements running (scheduler view): ${figure(scheduler)}`);
  console.log(`failover ${driver}: target < ${TARGET_MS} ms ${median(reality) < TARGET_MS ? 'met' : 'NOT met'} (Swarm ~20 s, Nomad 20-30 s by their defaults)`);
}

if (!existsSync(path.join(ROOT, 'packages/cli/dist'))) {
  console.log('failover: skipped: berth is not built (npx tsc -b)');
  process.exit(0);
}
console.log(`failover: 3 hosts, default settings, ${ROUNDS} rounds per driver; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}, node ${process.version}`);
const drivers = ONLY_DRIVER ? [ONLY_DRIVER] : ['process', 'docker'];
for (const driver of drivers) {
  if (driver === 'docker') {
    if (!(await dockerAnswers())) {
      console.log('failover docker: skipped: no Docker engine answers (bash scripts/start-docker-engine.sh)');
      continue;
    }
    if (!(await imagePresent(IMAGE))) {
      console.log(`failover docker: skipped: no ${IMAGE} (bash scripts/build-test-image.sh)`);
      continue;
    }
  }
  await bench(driver);
}
