// A worker process of bench/scale-cluster.mjs (forked with an IPC channel; not a benchmark
// itself): a share of the simulated agents. Each one is a real agent's network side without a
// runtime:
//
//   prepare: new key + CSR (CN = its node id). Done for every agent before the join clock
//           starts: on real hosts this is local work done in parallel, here it would take CPU
//           from the scheduler on the same cores (its cost per agent is reported).
//   join:   fetch the scheduler's CA ─▶ pin it against the token's fingerprint ─▶
//           Cluster.Join over TLS pinned to that CA ─▶ node certificate
//   run:    the agent's own SchedulerLink (@berth/agent: wire.AgentClient Connect stream, mTLS
//           with the node certificate, Register, heartbeats every period, redials) ─▶
//           an in-memory driver: every assigned task is "running" at once, reported in
//           StatusBatch messages batched like the agent's (25 ms, at most 100 statuses);
//           tasks a set removes (or a complete set leaves out) are dropped. When the link's
//           lease runs out the agent fences as a real one does: every task not kept running
//           while disconnected is "stopped" until a later set lists it again.
//
// IPC:  → { type: 'loaded' }                once its modules are loaded
//       ← { type: 'prepare', agents: [{ index }] } → { type: 'prepared', stats }
//       ← { type: 'join', address, token, concurrency }
//       → { type: 'joined', stats }       once every agent of this worker joined (or failed to)
//       ← { type: 'report' } → { type: 'stats', stats }
//       ← { type: 'stop' }   → closes every link, then exits
import { randomBytes } from 'node:crypto';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { wire } from '@berth/api';
import * as pki from '@berth/api/pki';
import { SchedulerLink } from '@berth/agent';

if (process.send === undefined) {
  console.error('scale-cluster-agents-lib.mjs is started by bench/scale-cluster.mjs');
  process.exit(2);
}

const GiB = 1024 ** 3;
const ZONES = ['eu-1', 'eu-2', 'eu-3'];
const STATUS_BATCH_DELAY_MS = 25; // as the agent's StatusBatcher (DEFAULT_STATUS_BATCH)
const STATUS_BATCH_MAX = 100;
const JOIN_DEADLINE_MS = 60_000;
const MAX_ERRORS_KEPT = 5;

const stats = {
  agents: 0,
  joined: 0,
  joinFailures: 0,
  joinMs: [],
  csrMs: 0,
  joinErrors: [],
  connected: 0,
  disconnects: 0,
  retries: 0,
  fences: 0,
  sets: 0,
  assignments: 0,
  statusesSent: 0,
  batchesSent: 0,
  protocolErrors: 0,
  errors: [],
  maxLoopDelayMs: 0,
  cpuUserMs: 0,
  cpuSystemMs: 0,
  rss: 0,
};
const agents = [];
const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();

/** Keeps the first few error messages of a kind for the parent to print. */
function remember(what, error, list = stats.errors) {
  if (list.length < MAX_ERRORS_KEPT) list.push(`${what}: ${error instanceof Error ? error.message : String(error)}`);
}

/** One simulated node: identity, credentials, its link and its in-memory tasks. */
class SimAgent {
  constructor(index) {
    this.index = index;
    this.nodeId = randomBytes(8).toString('hex');
    this.name = `sim-${String(index).padStart(4, '0')}`;
    this.tasks = new Map(); // task id → the status last reported
    this.keepsRunning = new Set(); // ids of tasks whose service keeps running when disconnected
    this.pending = new Map(); // task id → status not yet sent
    this.batchTimer = undefined;
    this.appliedRevision = 0;
    this.link = undefined;
    this.csr = undefined;
  }

  /** The node's key and CSR, made before the join clock starts (see the module comment). */
  async prepare() {
    this.csr = await pki.createKeyAndCsr(this.nodeId, 'node');
  }

  /** What Register carries: realistic capacity, distinct names and labels, the process driver. */
  report() {
    return {
      name: this.name,
      address: `127.1.${this.index >> 8}.${this.index & 255}`,
      labels: { zone: ZONES[this.index % ZONES.length], rack: `r${this.index % 40}` },
      cpus: 8,
      memoryBytes: 32 * GiB,
      drivers: [{ name: 'process', available: true, message: '' }],
      agentVersion: 'scale-bench',
      tasks: [...this.tasks.values()],
      appliedRevision: this.appliedRevision,
    };
  }

  /** Joins as `berth agent --join` does; resolves with the credentials for Agent.Connect. */
  async join(address, token) {
    const caPem = await pki.fetchCaCertificate(address, { timeoutMs: JOIN_DEADLINE_MS });
    if (pki.certificateFingerprint(caPem) !== pki.parseJoinToken(token).caFingerprint) {
      throw new Error(`the CA at ${address} does not match the join token`);
    }
    const { keyPem, csrPem } = this.csr;
    const client = new wire.ClusterClient(address, pki.schedulerChannelCredentials({ caPem }), { 'grpc.use_local_subchannel_pool': 1 });
    try {
      const response = await new Promise((resolve, reject) => {
        client.join({ token, csrPem, name: this.name }, { deadline: Date.now() + JOIN_DEADLINE_MS }, (error, value) =>
          error ? reject(error) : resolve(value),
        );
      });
      const issued = response.certificate;
      if (issued === undefined) throw new Error('Join answered without a certificate');
      if (response.nodeId !== this.nodeId) throw new Error(`Join gave node id ${response.nodeId}, not ${this.nodeId}`);
      return pki.schedulerChannelCredentials({ caPem: issued.caCertificatePem, certPem: issued.certificatePem, keyPem });
    } finally {
      client.close();
    }
  }

  /** Opens the agent stream and keeps it up until stop(). */
  connect(address, credentials) {
    const link = new SchedulerLink({ address, nodeId: this.nodeId, report: () => this.report(), credentials });
    this.link = link;
    link.on('connected', () => (stats.connected += 1));
    link.on('disconnected', (down) => {
      stats.connected -= 1;
      if (down.reason !== 'closed') {
        stats.disconnects += 1;
        remember(`${this.name} disconnected (${down.reason})`, down.message);
      }
    });
    link.on('retrying', () => (stats.retries += 1));
    link.on('protocolError', (error) => {
      stats.protocolErrors += 1;
      remember(`${this.name} protocol error`, error);
    });
    link.on('assignments', (set) => this.apply(set));
    link.on('leaseExpired', () => this.fence());
    link.start();
  }

  /** The in-memory driver: what is assigned runs at once, what is removed is gone. */
  apply(set) {
    stats.sets += 1;
    stats.assignments += set.assignments.length;
    this.appliedRevision = set.revision;
    if (set.kind === 'complete') {
      const keep = new Set(set.assignments.map((a) => a.taskId));
      for (const id of this.tasks.keys()) if (!keep.has(id)) this.forget(id);
    }
    for (const id of set.removedTaskIds) this.forget(id);
    for (const a of set.assignments) {
      if (a.spec.berth.keepRunningWhenDisconnected) this.keepsRunning.add(a.taskId);
      this.enter(a.taskId, a.desired === 'run' ? 'running' : 'stopped');
    }
  }

  /** The lease ran out: stop what must not run twice (the scheduler replaces it after grace + margin). */
  fence() {
    stats.fences += 1;
    for (const id of this.tasks.keys()) if (!this.keepsRunning.has(id)) this.enter(id, 'stopped');
  }

  /** Moves a task to `state` (if it is not there) and queues its status. */
  enter(taskId, state) {
    const known = this.tasks.get(taskId);
    if (known?.state === state) return;
    const status = {
      taskId,
      state,
      health: 'none',
      message: '',
      restarts: 0,
      runtimeId: `sim-${taskId}`,
      stateTimes: { ...known?.stateTimes, [state]: Date.now() },
      ports: [],
    };
    this.tasks.set(taskId, status);
    this.queue(status);
  }

  /** Drops a task the scheduler no longer lists (the simulated workload needs no stopping). */
  forget(taskId) {
    this.tasks.delete(taskId);
    this.pending.delete(taskId);
    this.keepsRunning.delete(taskId);
  }

  /** Batches a status like the agent's StatusBatcher: at most 25 ms late, at most 100 per message. */
  queue(status) {
    this.pending.set(status.taskId, status);
    if (this.pending.size >= STATUS_BATCH_MAX) this.flush();
    else this.batchTimer ??= setTimeout(() => this.flush(), STATUS_BATCH_DELAY_MS);
  }

  /** Sends the waiting statuses as one StatusBatch (kept by the link while it is not registered). */
  flush() {
    clearTimeout(this.batchTimer);
    this.batchTimer = undefined;
    if (this.pending.size === 0) return;
    const batch = [...this.pending.values()];
    this.pending.clear();
    this.link?.reportStatuses(batch);
    stats.statusesSent += batch.length;
    stats.batchesSent += 1;
  }

  /** Closes the link (half-close, then wait for the scheduler to end the stream). */
  async stop() {
    clearTimeout(this.batchTimer);
    await this.link?.close();
  }
}

/** Runs `fn` over `items` with at most `limit` in flight. */
async function eachLimited(items, limit, fn) {
  let next = 0;
  const lane = async () => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, lane));
}

/** Creates this worker's agents and their keys and CSRs. */
async function prepareAll(message) {
  for (const { index } of message.agents) agents.push(new SimAgent(index));
  stats.agents = agents.length;
  const started = performance.now();
  for (const agent of agents) await agent.prepare();
  stats.csrMs = (performance.now() - started) / agents.length;
}

/** Joins every agent (at most `concurrency` at a time) and opens its stream as soon as it has joined. */
async function joinAll(message) {
  await eachLimited(agents, message.concurrency, async (agent) => {
    const started = performance.now();
    try {
      const credentials = await agent.join(message.address, message.token);
      stats.joinMs.push(performance.now() - started);
      stats.joined += 1;
      agent.connect(message.address, credentials);
    } catch (error) {
      stats.joinFailures += 1;
      remember(`${agent.name} could not join`, error, stats.joinErrors);
    }
  });
}

/** The counters with CPU, event-loop delay and RSS brought up to date. */
function snapshot() {
  const cpu = process.cpuUsage();
  stats.cpuUserMs = Math.round(cpu.user / 1000);
  stats.cpuSystemMs = Math.round(cpu.system / 1000);
  stats.maxLoopDelayMs = Math.round(loopDelay.max / 1e6);
  stats.rss = process.memoryUsage().rss;
  return stats;
}

process.on('message', (message) => {
  if (message.type === 'prepare') {
    prepareAll(message).then(
      () => process.send({ type: 'prepared', stats: snapshot() }),
      (error) => {
        console.error(`scale-cluster agents: cannot create keys and CSRs: ${String(error)}`);
        process.exit(1);
      },
    );
  } else if (message.type === 'join') {
    joinAll(message).then(
      () => process.send({ type: 'joined', stats: snapshot() }),
      (error) => {
        remember('join', error);
        process.send({ type: 'joined', stats: snapshot() });
      },
    );
  } else if (message.type === 'report') {
    process.send({ type: 'stats', stats: snapshot() });
  } else if (message.type === 'stop') {
    const timer = setTimeout(() => process.exit(1), 5_000);
    Promise.all(agents.map((a) => a.stop())).finally(() => {
      clearTimeout(timer);
      process.exit(0);
    });
  }
});
// The parent went away (killed, crashed): do not linger.
process.on('disconnect', () => process.exit(1));
process.send({ type: 'loaded' });
