// Shared pieces of the agent benchmarks (agent-restart.mjs, agent-rss.mjs): a fake scheduler plus
// a real `berth agent` child process, stack files turned into assignment sets, figures, and
// cleanup of exactly what a bench started (its random stack label, its agent pid, the process
// tasks recorded in its own data dir). Not a benchmark itself.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { TestScheduler, createDockerClient, pingDocker } from '@berth/agent';
import { loadStack } from '@berth/stack';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const BERTH_BIN = path.join(ROOT, 'packages/cli/bin/berth.js');
export const IMAGE = 'berth-test/busybox:latest';
export const STACK_LABEL = 'io.berth.stack';

/** `load 1.23 (2 CPUs)`: the host's 1-minute load average, to read the figures against. */
export function hostLoad() {
  return `load average ${loadavg()[0].toFixed(2)} on ${cpus().length} CPUs`;
}

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** A stack name no one else uses: every engine object of the bench carries it as its label. */
export function uniqueStackName(prefix) {
  return `${prefix}-${randomBytes(4).toString('hex')}`;
}

/** Undefined when a Docker engine answers within 3 s, else why not (the docker parts are skipped). */
export async function dockerUnavailable() {
  const ping = await pingDocker(createDockerClient(), 3_000);
  return ping.ok ? undefined : ping.reason;
}

/** Polls `check` every `everyMs` until it returns something truthy; throws after `timeoutMs`. */
export async function waitFor(check, what, timeoutMs, everyMs = 10) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await sleep(everyMs);
  }
}

// ---------------------------------------------------------------------------------------------
// Figures

const sorted = (xs) => [...xs].sort((a, b) => a - b);
/** Nearest-rank percentile (p in 0..100) of a non-empty list. */
export function percentile(xs, p) {
  const s = sorted(xs);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil((p / 100) * s.length) - 1))];
}
export const median = (xs) => {
  const s = sorted(xs);
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};
export function summary(xs) {
  if (xs.length === 0) return { n: 0, median: NaN, p90: NaN, min: NaN, max: NaN };
  return { n: xs.length, median: median(xs), p90: percentile(xs, 90), min: Math.min(...xs), max: Math.max(...xs) };
}
/** `median 12.3 ms  p90 … min … max … (n=20)`. */
export function fmt(xs, digits = 1, unit = 'ms') {
  const s = summary(xs);
  if (s.n === 0) return 'no samples';
  const f = (v) => v.toFixed(digits).padStart(7);
  return `median ${f(s.median)} ${unit}  p90 ${f(s.p90)}  min ${f(s.min)}  max ${f(s.max)}  (n=${s.n})`;
}

// ---------------------------------------------------------------------------------------------
// Stack file → assignment set

/** Loads `yaml` (written to `dir/stack.yaml`) with loadStack; throws on errors. */
export function loadBenchStack(dir, yaml) {
  const file = path.join(dir, 'stack.yaml');
  writeFileSync(file, yaml);
  const result = loadStack({ files: [file], env: {} });
  if (!result.stack) throw new Error(`bench stack did not load: ${result.errors.map((e) => e.message).join('; ')}`);
  return result.stack;
}

/**
 * A complete assignment set of `replicas` tasks of every service of `stack` (task ids
 * `<service>-<slot>-<stack>`), all desired `run` (or `stop`); with `replicas` 0 it tells the
 * agent to stop and remove all.
 */
export function completeSet(stack, revision, replicas = 1, desired = 'run') {
  const assignments = [];
  if (replicas > 0) {
    for (const spec of Object.values(stack.services)) {
      for (let slot = 1; slot <= replicas; slot++) {
        assignments.push({
          taskId: `${spec.name}-${slot}-${stack.name}`,
          stack: stack.name,
          service: spec.name,
          slot,
          spec,
          desired,
          networks: stack.networks,
          volumes: stack.volumes,
          secrets: {},
          configs: {},
        });
      }
    }
  }
  return { kind: 'complete', revision, assignments, removedTaskIds: [] };
}

/** Latest status per task id over every batch the scheduler received. */
export function latestStatuses(scheduler) {
  const latest = new Map();
  for (const batch of scheduler.statusBatches()) for (const s of batch) latest.set(s.taskId, s);
  return latest;
}

// ---------------------------------------------------------------------------------------------
// Scheduler + agent

/**
 * Starts a TestScheduler and a `berth agent` child for one driver, with a fresh data dir
 * (`node [nodeFlags] <entry> agent --join … --driver <driver>`; entry: the berth CLI).
 * `cleanup()` (idempotent, never throws) stops the agent's tasks through an empty complete
 * set, stops the agent, force-removes leftovers labelled with `stack`, kills leftover process
 * tasks recorded in the data dir, and deletes the temp dirs.
 */
export async function startBench({ driver, stack, label = 'berth-bench', nodeFlags = envNodeFlags(), entry = BERTH_BIN }) {
  const dir = mkdtempSync(path.join(tmpdir(), `${label}-`));
  const dataDir = path.join(dir, 'data');
  const scheduler = await TestScheduler.start({ heartbeatPeriodMs: 1000 });
  const agentLog = [];
  const agent = spawn(
    process.execPath,
    // The in-process TestScheduler speaks plain text (it hands out assignments directly); the
    // TLS a real scheduler needs is measured apart (README: agent RSS).
    [...nodeFlags, entry, 'agent', '--join', scheduler.address, '--insecure', '--data-dir', dataDir, '--address', '127.0.0.1', '--driver', driver],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let agentExit;
  const agentExited = new Promise((resolve) => agent.once('exit', (code, signal) => resolve((agentExit = { code, signal }))));
  agent.stderr.setEncoding('utf8');
  agent.stderr.on('data', (chunk) => {
    for (const line of chunk.split('\n')) if (line) agentLog.push(line);
    if (agentLog.length > 200) agentLog.splice(0, agentLog.length - 200);
  });
  const docker = createDockerClient();
  let revision = 0;
  let cleaned = false;

  const bench = {
    dir,
    dataDir,
    scheduler,
    agent,
    docker,
    agentLog,
    get agentExit() {
      return agentExit;
    },
    /** Pushes a complete set of `replicas` per service (next revision), desired `run` or `stop`. */
    push(stackSpec, replicas = 1, desired = 'run') {
      revision += 1;
      return scheduler.pushAssignments(completeSet(stackSpec, revision, replicas, desired));
    },
    async cleanup(stackSpec) {
      if (cleaned) return;
      cleaned = true;
      // 1. The orderly way: the agent stops and removes its tasks.
      if (agentExit === undefined && stackSpec && scheduler.openStreams > 0) {
        try {
          bench.push(stackSpec, 0);
          await waitFor(
            () => [...latestStatuses(scheduler).values()].every((s) => ['stopped', 'exited', 'failed'].includes(s.state)),
            'tasks to stop',
            20_000,
            50,
          );
          // Removal follows the stop; racing the agent's own removals with forced ones below
          // has left the engine (20.10) with a network it then refuses to delete.
          if (driver === 'docker') {
            const filters = { label: [`${STACK_LABEL}=${stack}`, 'io.berth.task'] };
            await waitFor(async () => (await docker.listContainers({ all: true, filters })).length === 0, 'containers to be removed', 20_000, 100);
          } else {
            await waitFor(() => countTaskDirs(dataDir) === 0, 'process tasks to be removed', 10_000, 50);
          }
        } catch {
          // fall through to the forceful way
        }
      }
      // 2. The agent itself, by pid: SIGTERM, then SIGKILL.
      if (agentExit === undefined) {
        agent.kill('SIGTERM');
        const exited = await Promise.race([agentExited, sleep(5_000).then(() => false)]);
        if (!exited) {
          agent.kill('SIGKILL');
          await Promise.race([agentExited, sleep(2_000)]);
        }
      }
      await scheduler.close().catch(() => undefined);
      // 3. Leftovers of this bench only: its label, its data dir.
      if (driver === 'docker') await removeLabelled(docker, stack).catch((e) => console.error(`cleanup: ${e.message}`));
      killRecordedProcesses(dataDir);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  return bench;
}

/** Extra node flags for the agent child, from BERTH_BENCH_NODE_FLAGS (space-separated). */
function envNodeFlags() {
  return (process.env.BERTH_BENCH_NODE_FLAGS ?? '').split(/\s+/).filter(Boolean);
}

/** Waits for the agent to register; throws (with the agent's log) if it dies or does not. */
export async function waitForRegistration(bench, timeoutMs = 15_000) {
  await waitFor(
    () => {
      if (bench.agentExit !== undefined) {
        throw new Error(`agent exited ${JSON.stringify(bench.agentExit)}:\n  ${bench.agentLog.slice(-10).join('\n  ')}`);
      }
      return bench.scheduler.registrations().length > 0 && bench.scheduler.openStreams > 0;
    },
    'the agent to register',
    timeoutMs,
    20,
  );
}

/** Force-removes containers and networks labelled `io.berth.stack=<stack>`. */
export async function removeLabelled(docker, stack) {
  const filters = { label: [`${STACK_LABEL}=${stack}`] };
  const containers = await docker.listContainers({ all: true, filters });
  await Promise.all(containers.map((c) => docker.getContainer(c.Id).remove({ force: true, v: true }).catch(() => undefined)));
  const networks = await docker.listNetworks({ filters });
  for (const n of networks) await docker.getNetwork(n.Id).remove().catch(() => undefined);
  const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
  for (const v of volumes) await docker.getVolume(v.Name).remove().catch(() => undefined);
  return containers.length;
}

function countTaskDirs(dataDir) {
  try {
    return readdirSync(path.join(dataDir, 'tasks')).length;
  } catch {
    return 0;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); undefined if the pid is gone. */
function procStartTime(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
  } catch {
    return undefined;
  }
}

/** SIGKILLs the process group of every task recorded under `dataDir` that is still the same process. */
export function killRecordedProcesses(dataDir) {
  let tasks = [];
  try {
    tasks = readdirSync(path.join(dataDir, 'tasks'));
  } catch {
    return 0;
  }
  let killed = 0;
  for (const task of tasks) {
    try {
      const record = JSON.parse(readFileSync(path.join(dataDir, 'tasks', task, 'process.json'), 'utf8'));
      if (procStartTime(record.pid) === record.startTime) {
        process.kill(-record.pid, 'SIGKILL');
        killed += 1;
      }
    } catch {
      // no record, or gone already
    }
  }
  return killed;
}

/** VmRSS / RssAnon / RssFile of `pid` in KiB. */
export function readRss(pid) {
  const text = readFileSync(`/proc/${pid}/status`, 'utf8');
  const kib = (key) => Number(new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(text)?.[1]);
  return { rss: kib('VmRSS'), anon: kib('RssAnon'), file: kib('RssFile'), hwm: kib('VmHWM') };
}

/** Runs `body`, always running `cleanup` after it, also on SIGINT/SIGTERM. */
export async function withCleanup(cleanups, body) {
  const onSignal = (signal) => {
    console.error(`${signal}: cleaning up`);
    Promise.allSettled(cleanups.map((c) => c())).finally(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    return await body();
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    for (const c of cleanups) await c().catch((e) => console.error(`cleanup failed: ${e.message}`));
  }
}
