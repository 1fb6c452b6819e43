// Benchmark: one scheduling round (reconcile + placement) for 10,000 tasks of 50 services on
// 100 labelled nodes, with constraints, host ports, reservations, max-per-node and spread
// preferences (target: well under 200 ms). Three rounds are timed:
//   cold      nothing runs yet: 10,000 tasks created and placed;
//   steady    everything runs and the same stack is deployed again: nothing changes;
//   failover  one node goes down and its lease runs out: its (lost) tasks are replaced on the others.
// Usage: npx tsc -b packages/scheduler && node bench/reconcile-placement.mjs [tasks] [runs]
import { applyRound, desiredStack, schedule } from '@berth/scheduler';

const totalTasks = Number(process.argv[2] ?? 10_000);
const runs = Number(process.argv[3] ?? 15);
const NODES = 100;
const SERVICES = 50;
const GiB = 1024 ** 3;
const ZONES = ['eu', 'us', 'ap'];

const nodes = Array.from({ length: NODES }, (_, i) => ({
  id: `node-${i}`,
  name: `host-${i}`,
  address: `10.0.${i >> 8}.${i & 255}`,
  state: 'ready',
  availability: 'active',
  role: i < 3 ? 'manager' : 'worker',
  labels: { zone: ZONES[i % 3], rack: `r${i % 10}`, disk: i % 4 === 0 ? 'ssd' : 'hdd' },
  cpus: 32,
  memoryBytes: 128 * GiB,
  drivers: [
    { name: 'docker', available: true, message: '' },
    { name: 'process', available: i % 2 === 0, message: '' },
  ],
}));

/** Service i: every fifth publishes a host port (so at most one per node), others mix the rest. */
function service(i, replicas) {
  const constraints = [];
  if (i % 3 === 1) constraints.push({ field: 'node.labels.zone', op: '==', value: ZONES[i % 3] });
  if (i % 6 === 2) constraints.push({ field: 'node.role', op: '!=', value: 'manager' });
  return {
    name: `svc${i}`,
    image: `registry.local/app-${i}:1`,
    pullPolicy: 'missing',
    environment: { SERVICE_ID: String(i) },
    ports: i % 5 === 0 ? [{ target: 8080, published: 10_000 + i, protocol: 'tcp', mode: 'host' }, { target: 9090, protocol: 'tcp', mode: 'host' }] : [],
    expose: [],
    volumes: [],
    networks: {},
    dependsOn: {},
    restart: { condition: 'any', maxAttempts: 0, windowMs: 0 },
    stopSignal: 'SIGTERM',
    stopGracePeriodMs: 10_000,
    init: false,
    labels: {},
    profiles: [],
    secrets: [],
    configs: [],
    deploy: {
      mode: 'replicated',
      replicas,
      placement: { constraints, spread: i % 7 === 0 ? ['node.labels.zone'] : [], maxReplicasPerNode: i % 4 === 3 ? 5 : 0 },
      resources: { limits: {}, reservations: { cpus: 0.1, memoryBytes: 256 * 1024 ** 2 } },
      labels: {},
    },
    berth: {
      driver: 'docker',
      restartBackoff: { initialMs: 100, maxMs: 60_000, multiplier: 2, resetAfterMs: 10_000 },
      unhealthy: 'restart',
      placementStrategy: i % 11 === 0 ? 'binpack' : 'spread',
      keepRunningWhenDisconnected: false,
    },
  };
}

// Port services get 100 replicas (one per node fits); the rest share what is left evenly.
const portServices = Array.from({ length: SERVICES }, (_, i) => i).filter((i) => i % 5 === 0).length;
const perPort = Math.min(100, Math.floor(totalTasks / SERVICES));
const perOther = Math.floor((totalTasks - portServices * perPort) / (SERVICES - portServices));
const services = Array.from({ length: SERVICES }, (_, i) => service(i, i % 5 === 0 ? perPort : perOther));
const stack = desiredStack({ name: 'bench', services: Object.fromEntries(services.map((s) => [s.name, s])), networks: {}, volumes: {}, secrets: {}, configs: {} });

let ids = 0;
const ctx = { now: 1_700_000_000_000, newId: () => `task-${++ids}` };

/** Agents' answer: every assigned task runs. */
const running = (tasks) => tasks.map((t) => (t.status.state === 'assigned' ? { ...t, status: { ...t.status, state: 'running' } } : t));

function time(label, fn) {
  const samples = [];
  let result;
  for (let r = 0; r < runs + 2; r++) {
    const t0 = performance.now();
    result = fn();
    const ms = performance.now() - t0;
    if (r >= 2) samples.push(ms); // the first two warm the JIT
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  const p95 = samples[Math.min(samples.length - 1, Math.ceil(samples.length * 0.95) - 1)];
  return { label, median, p95, result };
}

const cold = time('cold', () => schedule([stack], [], nodes, ctx));
const coldRound = cold.result;
const tasks = running(applyRound([], coldRound, ctx.now));
const steady = time('steady', () => schedule([stack], tasks, nodes, ctx));
const downNodes = nodes.map((n, i) => (i === 7 ? { ...n, state: 'down' } : n));
// As the dispatcher leaves them once the node's lease ran out: its tasks are lost.
const lostTasks = tasks.map((t) => (t.nodeId === nodes[7].id ? { ...t, status: { ...t.status, state: 'lost' } } : t));
const failover = time('failover', () => schedule([stack], lostTasks, downNodes, ctx));

const placed = coldRound.placement.assignments.size;
const unplaced = coldRound.placement.unplaced.size;
const reasons = new Map();
for (const r of coldRound.placement.unplaced.values()) reasons.set(r.message, (reasons.get(r.message) ?? 0) + 1);

console.log(`reconcile + placement: ${coldRound.plan.place.length} tasks, ${SERVICES} services, ${NODES} nodes (${runs} timed runs each)`);
for (const t of [cold, steady, failover]) {
  const p = t.result.plan;
  const what = `${p.place.length} new, ${p.stop.length} stopped, ${p.keep.length} kept, ${t.result.placement.assignments.size} placed`;
  console.log(`  ${t.label.padEnd(9)} median ${t.median.toFixed(1)} ms, p95 ${t.p95.toFixed(1)} ms   (${what})`);
}
console.log(`  cold placements per second: ${Math.round(placed / (cold.median / 1000)).toLocaleString('en-US')} (${placed} placed, ${unplaced} unplaced)`);
for (const [message, n] of reasons) console.log(`    ${n} unplaced: ${message}`);
