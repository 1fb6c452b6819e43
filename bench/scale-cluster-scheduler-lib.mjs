// The scheduler process of bench/scale-cluster.mjs (forked with an IPC channel; not a benchmark
// itself). It runs one real Scheduler from the built packages, so the figures cover exactly
// what `berth scheduler` runs: SQLite store in a temp data dir, cluster authority, dispatcher,
// reconcile loop, Control API on the unix socket, agent port (TLS) on 127.0.0.1:0. It watches its own store (the
// scheduler's view is the one that counts) and reports to the parent over IPC:
//
//   → { type: 'ready', agentAddress, controlSocket, token, graceMs }
//   → { type: 'progress', ...counters }             every second, and once more on 'report'
//   → { type: 'milestone', name, at }               nodes-ready, all-placed, all-running (epoch ms)
//   ← { type: 'expect', nodes, tasks }              what "all" means for the milestones
//   ← { type: 'report' } / { type: 'stop' }
//
// RSS is sampled every 100 ms here (process.memoryUsage.rss(), the peak kept); the parent also
// reads the kernel's high-water mark (VmHWM), which no sampling interval can miss.
// Usage (by the parent only): node scale-cluster-scheduler-lib.mjs DATA_DIR [MISSED_HEARTBEATS]
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { Scheduler } from '@berth/scheduler';

const dataDir = process.argv[2];
const missedHeartbeats = process.argv[3] === undefined ? undefined : Number(process.argv[3]);
if (dataDir === undefined || process.send === undefined) {
  console.error('scale-cluster-scheduler-lib.mjs is started by bench/scale-cluster.mjs');
  process.exit(2);
}

const MAX_LOG_LINES = 40;
const counters = {
  rss: 0,
  peakRss: 0,
  readyNodes: 0,
  tasks: 0,
  placements: 0,
  running: 0,
  joins: 0,
  registrations: 0,
  disconnects: 0,
  nodesDown: 0,
  problems: 0,
  rounds: 0,
  roundFailures: 0,
  maxLoopDelayMs: 0,
  /** The longest event-loop stall since the stack was deployed (the join's TLS work left out). */
  maxLoopDelayDeployMs: 0,
  cpuUserMs: 0,
  cpuSystemMs: 0,
};
let expected = { nodes: Infinity, tasks: Infinity };
const milestones = new Set();
let logged = 0;
let stopping = false;

/**
 * Scheduler log lines: joins, registrations and disconnects are counted (1,000 of each would
 * drown the rest), the others printed up to a cap; nothing once the bench is stopping.
 */
function log(line) {
  if (stopping || line.includes(' registered from ')) return;
  if (line.includes(' joined from ')) {
    counters.joins += 1;
    return;
  }
  if (line.includes(' disconnected: ')) {
    counters.disconnects += 1;
    return;
  }
  if (line.startsWith('dispatcher: ')) counters.problems += 1;
  if (logged < MAX_LOG_LINES) console.log(`[scheduler] ${line}`);
  else if (logged === MAX_LOG_LINES) console.log('[scheduler] (further scheduler log lines are not shown)');
  logged += 1;
}

function milestone(name, reached) {
  if (!reached || milestones.has(name)) return;
  milestones.add(name);
  process.send({ type: 'milestone', name, at: Date.now() });
}

function checkMilestones() {
  milestone('nodes-ready', counters.readyNodes >= expected.nodes);
  milestone('all-placed', counters.placements >= expected.tasks);
  milestone('all-running', counters.tasks === expected.tasks && counters.running >= expected.tasks);
}

const isRunning = (t) => t !== undefined && t.desired === 'run' && t.status.state === 'running';
const isReady = (n) => n !== undefined && n.state === 'ready';

const scheduler = await Scheduler.start({ dataDir, agentListen: '127.0.0.1:0', log, ...(missedHeartbeats ? { missedHeartbeats } : {}) });
const { store } = scheduler;
store.on('node-changed', (c) => {
  counters.readyNodes += Number(isReady(c.node)) - Number(isReady(c.previous));
  if (c.previous?.state === 'ready' && c.node?.state === 'down') counters.nodesDown += 1;
  checkMilestones();
});
store.on('task-changed', (batch) => {
  for (const c of batch.changes) {
    counters.running += Number(isRunning(c.task)) - Number(isRunning(c.previous));
    // A placement: a task gets a node it did not have (replacements count again).
    if (c.task?.nodeId !== undefined && c.previous?.nodeId === undefined) counters.placements += 1;
  }
  counters.tasks = store.taskCount;
  checkMilestones();
});
scheduler.dispatcher.on('registered', () => {
  counters.registrations += 1;
});
scheduler.loop.on('round', () => {
  counters.rounds += 1;
});
scheduler.loop.on('failed', () => {
  counters.roundFailures += 1;
});

const loopDelay = monitorEventLoopDelay({ resolution: 20 });
loopDelay.enable();
const deployLoopDelay = monitorEventLoopDelay({ resolution: 20 });
store.once('stack-changed', () => deployLoopDelay.enable());
const rssTimer = setInterval(() => {
  // The same figure as process.memoryUsage().rss, without walking the heap spaces every 100 ms.
  counters.rss = process.memoryUsage.rss();
  counters.peakRss = Math.max(counters.peakRss, counters.rss);
}, 100);

function progress() {
  const cpu = process.cpuUsage();
  counters.cpuUserMs = Math.round(cpu.user / 1000);
  counters.cpuSystemMs = Math.round(cpu.system / 1000);
  counters.maxLoopDelayMs = Math.round(loopDelay.max / 1e6);
  counters.maxLoopDelayDeployMs = deployLoopDelay.count > 0 ? Math.round(deployLoopDelay.max / 1e6) : 0;
  counters.tasks = store.taskCount;
  process.send({ type: 'progress', at: Date.now(), ...counters });
}
const progressTimer = setInterval(progress, 1_000);

process.send({
  type: 'ready',
  agentAddress: scheduler.agentAddress,
  controlSocket: scheduler.controlSocket,
  token: scheduler.authority.joinToken(),
  graceMs: scheduler.dispatcher.settings.graceMs,
});

process.on('message', (message) => {
  if (message.type === 'expect') {
    expected = { nodes: message.nodes, tasks: message.tasks };
    checkMilestones();
  } else if (message.type === 'report') {
    progress();
  } else if (message.type === 'stop') {
    stopping = true;
    clearInterval(rssTimer);
    clearInterval(progressTimer);
    progress();
    // The store's final flush is part of the run; the parent kills this process if it hangs.
    scheduler.close().then(
      () => process.exit(0),
      (error) => {
        console.error(`[scheduler] close failed: ${String(error)}`);
        process.exit(1);
      },
    );
  }
});
// The parent went away (killed, crashed): do not linger.
process.on('disconnect', () => process.exit(1));
