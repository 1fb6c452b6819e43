// Benchmark: crash-to-running latency of a real `berth agent` (targets: docker driver within
// 1.2x a plain `docker start`; process driver median under 20 ms).
//
// docker: a TestScheduler (in-process, loopback gRPC) assigns one task running
//   `sh -c 'sleep 1; exit 1'` (restart: always) to an agent child (`--driver docker`). The
//   gap is measured from the engine's own `die` event to its next `start` event (timeNano), per
//   crash. In the same run and on the same engine, a plain container with the same image,
//   command, env and network is restarted by the bench itself through the engine API
//   (dockerode) the same number of times, two ways; the three take turns in blocks of 5
//   crashes (the berth task is stopped/started through its desired state between blocks), so
//   drifting load on the host affects all three alike:
//     plain/events  `start` as soon as the `die` event arrives on the event stream;
//     plain/wait    start → wait(not-running) → inspect → start, the engine calls the agent
//                   makes, with nothing else in between.
//   The agent's own stateTimes (failed = exit noticed, starting, running) split its gap into
//   engine → agent (wait + inspect), agent bookkeeping, and `docker start`.
// process: the same task as a host process (`--driver process`); the workload stamps its own
//   first and last instant with bash's $EPOCHREALTIME (no fork, µs), so the gap is what a user
//   of the service sees: last instruction of the old process → first instruction of the new.
//   The floor (a bash exec'ing the same script, no agent) and the agent's own status times
//   (exit seen → running) are printed beside it.
//
// Every restart must be immediate: `x-berth.restart_backoff.reset_after` (500 ms docker, 200 ms
// process) is shorter than each run (1 s / 0.5 s), so each crash comes after a "healthy
// stretch" and the tracker's backoff step is reset to 0 (delay 0, no timer). The bench checks
// it from the agent's status times (starting − failed) and prints it.
//
// Usage: npx tsc -b && node bench/agent-restart.mjs [docker|process|all] [crashes=20]
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { subscribeContainerEvents } from '@berth/agent';
import {
  IMAGE,
  STACK_LABEL,
  dockerUnavailable,
  fmt,
  hostLoad,
  latestStatuses,
  loadBenchStack,
  median,
  startBench,
  uniqueStackName,
  waitFor,
  waitForRegistration,
  withCleanup,
} from './agent-bench-lib.mjs';

const mode = process.argv[2] ?? 'all';
const crashes = Math.max(1, Math.min(200, Number(process.argv[3] ?? 20)));
if (!['docker', 'process', 'all'].includes(mode)) throw new Error('usage: agent-restart.mjs [docker|process|all] [crashes]');

/** Wall clock with sub-ms resolution (same clock as the engine's timeNano on this host). */
const nowMs = () => performance.timeOrigin + performance.now();
const nanoToMs = (nano) => Number(nano) / 1e6;

/** die → next start gaps of one container, in event order. */
function restartGaps(events, containerId) {
  const gaps = [];
  let die;
  for (const e of events) {
    if (e.containerId !== containerId) continue;
    if (e.kind === 'die') die = e;
    else if (e.kind === 'start' && die) {
      gaps.push({ die, start: e, ms: Number(e.timeNano - die.timeNano) / 1e6 });
      die = undefined;
    }
  }
  return gaps;
}

/** The first `running` status of each restart number 1..n (stateTimes of that run). */
function runningStatusesByRestart(scheduler, taskId, n) {
  const byRestart = new Map();
  for (const batch of scheduler.statusBatches()) {
    for (const s of batch) {
      if (s.taskId === taskId && s.state === 'running' && s.restarts >= 1 && s.restarts <= n && !byRestart.has(s.restarts)) {
        byRestart.set(s.restarts, s);
      }
    }
  }
  return byRestart;
}

/** Rejects after `ms` so no engine call can hang the bench. */
function bounded(promise, ms, what) {
  let timer;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} took over ${ms} ms`)), ms);
    }),
  ]);
}

// -------------------------------------------------------------------------------------------
async function dockerBench() {
  const stackName = uniqueStackName('benchrestart');
  const yaml = `name: ${stackName}
services:
  crash:
    image: ${IMAGE}
    pull_policy: never
    command: ["sh", "-c", "sleep 1; exit 1"]
    restart: always
    stop_signal: SIGKILL
    x-berth:
      restart_backoff: { reset_after: 500ms }
`;
  const loadAtStart = hostLoad();
  const bench = await startBench({ driver: 'docker', stack: stackName, label: 'berth-bench-restart' });
  let stackSpec;
  let subscription;
  const closeSubscription = async () => subscription?.close();
  await withCleanup([closeSubscription, () => bench.cleanup(stackSpec)], async () => {
    const { docker, scheduler } = bench;
    stackSpec = loadBenchStack(bench.dir, yaml);
    const taskId = `crash-1-${stackName}`;
    await waitForRegistration(bench);

    const events = [];
    let onEvent = () => undefined;
    subscription = await subscribeContainerEvents(docker, { labels: { [STACK_LABEL]: stackName } });
    const pump = (async () => {
      for await (const e of subscription) {
        const received = nowMs();
        events.push({ ...e, received });
        onEvent(e, received);
      }
    })();
    pump.catch((e) => console.error(`event stream: ${e.message}`));
    const blockTimeoutMs = (k) => 20_000 + k * 5_000;
    /** die → start gaps of `id` among events from index `from`, counted after its first start. */
    const gapsSince = (from, id) => {
      const first = events.findIndex((e, i) => i >= from && e.containerId === id && e.kind === 'start');
      return first < 0 ? [] : restartGaps(events.slice(first), id);
    };
    const agentAlive = () => {
      if (bench.agentExit) throw new Error(`agent exited: ${bench.agentLog.slice(-5).join(' | ')}`);
    };

    // ---- the berth task: first run creates its container ------------------------------------
    bench.push(stackSpec, 1, 'run');
    const firstStart = await waitFor(
      () => (agentAlive(), events.find((e) => e.kind === 'start' && e.attributes['io.berth.task'] === taskId)),
      'the task container to start',
      30_000,
    );
    const berthId = firstStart.containerId;
    const info = await docker.getContainer(berthId).inspect();
    bench.push(stackSpec, 1, 'stop');
    await waitFor(() => latestStatuses(scheduler).get(taskId)?.state === 'stopped', 'the task to stop', 20_000, 20);

    // ---- a plain container: same image, command, env, network, stop signal ------------------
    const network = info.HostConfig.NetworkMode;
    const plain = await docker.createContainer({
      name: `${stackName}-plain`,
      Image: info.Config.Image,
      Cmd: info.Config.Cmd,
      Env: info.Config.Env,
      Labels: { [STACK_LABEL]: stackName, 'io.berth.bench': 'plain-start' },
      StopSignal: info.Config.StopSignal,
      StopTimeout: info.Config.StopTimeout,
      HostConfig: { NetworkMode: network, RestartPolicy: { Name: 'no' } },
      NetworkingConfig: { EndpointsConfig: { [network]: { Aliases: ['crash'] } } },
    });

    const results = { berth: [], events: [], wait: [] };
    const pieces = { eventLag: [], startCall: [], waitLag: [], inspectCall: [], waitStartCall: [] };

    /** k restarts by the agent: user start, k crashes restarted by berth, user stop. */
    const berthBlock = async (k) => {
      const from = events.length;
      bench.push(stackSpec, 1, 'run');
      const gaps = await waitFor(() => (agentAlive(), gapsSince(from, berthId).length >= k && gapsSince(from, berthId).slice(0, k)), `${k} berth restarts`, blockTimeoutMs(k), 20);
      bench.push(stackSpec, 1, 'stop');
      await waitFor(() => latestStatuses(scheduler).get(taskId)?.state === 'stopped', 'the task to stop', 20_000, 20);
      results.berth.push(...gaps);
    };

    /** k restarts by the bench, each issued when the die event arrives. */
    const eventsBlock = async (k) => {
      const from = events.length;
      let remaining = k;
      onEvent = (e, received) => {
        if (e.containerId !== plain.id || e.kind !== 'die' || remaining <= 0) return;
        remaining -= 1;
        pieces.eventLag.push(received - nanoToMs(e.timeNano));
        const t0 = nowMs();
        plain.start().then(
          () => pieces.startCall.push(nowMs() - t0),
          (err) => console.error(`plain start failed: ${err.message}`),
        );
      };
      await plain.start();
      const gaps = await waitFor(() => gapsSince(from, plain.id).length >= k && gapsSince(from, plain.id).slice(0, k), `${k} plain restarts (events)`, blockTimeoutMs(k), 20);
      onEvent = () => undefined;
      await bounded(plain.wait({ condition: 'not-running' }), 10_000, 'waiting for the plain container');
      results.events.push(...gaps);
    };

    /** k restarts by the bench the way the agent's driver does them: wait → inspect → start. */
    const waitBlock = async (k) => {
      const from = events.length;
      const waited = [];
      await plain.start();
      for (let i = 0; i < k; i++) {
        await bounded(plain.wait({ condition: 'not-running' }), 10_000, 'wait');
        const w = nowMs();
        waited.push(w);
        await plain.inspect();
        const t0 = nowMs();
        pieces.inspectCall.push(t0 - w);
        await plain.start();
        pieces.waitStartCall.push(nowMs() - t0);
      }
      await bounded(plain.wait({ condition: 'not-running' }), 10_000, 'waiting for the plain container');
      const gaps = await waitFor(() => gapsSince(from, plain.id).length >= k && gapsSince(from, plain.id).slice(0, k), `${k} plain restarts (wait)`, 10_000, 20);
      gaps.forEach((g, i) => pieces.waitLag.push(waited[i] - nanoToMs(g.die.timeNano)));
      results.wait.push(...gaps);
    };

    // Blocks of each kind take turns (rotating order), so drifting load on the host hits all
    // three alike.
    const block = Math.min(5, crashes);
    const kinds = [
      ['berth', berthBlock],
      ['events', eventsBlock],
      ['wait', waitBlock],
    ];
    for (let round = 0; results.berth.length < crashes || results.events.length < crashes || results.wait.length < crashes; round++) {
      if (round > 2 * Math.ceil(crashes / block) + 2) throw new Error('too many rounds');
      for (let j = 0; j < kinds.length; j++) {
        const [name, run] = kinds[(round + j) % kinds.length];
        const k = Math.min(block, crashes - results[name].length);
        if (k > 0) await run(k);
      }
    }

    await plain.remove({ force: true }).catch(() => undefined);

    // ---- where the berth gap goes, from the agent's status times -----------------------------
    const running = new Map();
    for (const batch of scheduler.statusBatches()) {
      for (const s of batch) if (s.taskId === taskId && s.state === 'running' && !running.has(s.restarts)) running.set(s.restarts, s);
    }
    const noticed = [];
    const decided = [];
    const starting = [];
    const confirmed = [];
    for (const g of results.berth) {
      const dieMs = nanoToMs(g.die.timeNano);
      const startMs = nanoToMs(g.start.timeNano);
      const s = [...running.values()].find((x) => x.stateTimes.failed >= dieMs - 2 && x.stateTimes.failed <= startMs + 2 && x.stateTimes.running >= startMs - 2);
      if (!s) continue;
      const t = s.stateTimes;
      noticed.push(t.failed - dieMs);
      decided.push(t.starting - t.failed);
      starting.push(startMs - t.starting);
      confirmed.push(t.running - startMs);
    }
    const berthMs = results.berth.map((g) => g.ms);
    const eventsMs = results.events.map((g) => g.ms);
    const waitMs = results.wait.map((g) => g.ms);
    const ratio = median(berthMs) / median(eventsMs);
    console.log(`docker driver: crash-to-running, engine die → next start (timeNano), ${crashes} crashes each, in alternating blocks of ${block}`);
    console.log(`  engine: docker ${(await docker.version()).Version}; task: sh -c 'sleep 1; exit 1', restart: always, restart_backoff.reset_after 500ms`);
    console.log(`  host: ${loadAtStart} at the start, ${hostLoad()} at the end`);
    console.log(`  berth agent           ${fmt(berthMs)}`);
    console.log(`  plain start (events)  ${fmt(eventsMs)}   (bench: die event → start)`);
    console.log(`  plain start (wait)    ${fmt(waitMs)}   (bench: wait → inspect → start)`);
    console.log(`  ratio berth / plain(events) = ${ratio.toFixed(2)}x  (target ≤ 1.2x);  berth / plain(wait) = ${(median(berthMs) / median(waitMs)).toFixed(2)}x`);
    console.log(`  berth gap, split by the agent's stateTimes (whole ms; ${noticed.length} matched):`);
    console.log(`    die → agent saw exit (wait+inspect)   ${fmt(noticed)}`);
    console.log(`    exit seen → restart begun (policy)    ${fmt(decided)}   (> 1 ms: ${decided.filter((d) => d > 1).length})`);
    console.log(`    restart begun → engine start event    ${fmt(starting)}`);
    console.log(`    start event → agent reports running   ${fmt(confirmed)}`);
    console.log('  plain-side pieces:');
    console.log(`    die → die event received by bench     ${fmt(pieces.eventLag)}`);
    console.log(`    die → wait API returned               ${fmt(pieces.waitLag)}`);
    console.log(`    inspect call                          ${fmt(pieces.inspectCall)}`);
    console.log(`    start call, issued at die event       ${fmt(pieces.startCall)}`);
    console.log(`    start call, issued after wait+inspect ${fmt(pieces.waitStartCall)}`);
  });
}

// -------------------------------------------------------------------------------------------
async function processBench() {
  const stackName = uniqueStackName('benchproc');
  const loadAtStart = hostLoad();
  const bench = await startBench({ driver: 'process', stack: stackName, label: 'berth-bench-restart' });
  let stackSpec;
  await withCleanup([() => bench.cleanup(stackSpec)], async () => {
    const { scheduler } = bench;
    const times = path.join(bench.dir, 'times.log');
    const script = path.join(bench.dir, 'crash.sh');
    writeFileSync(times, '');
    writeFileSync(script, 'echo "start $EPOCHREALTIME $$" >> "$BENCH_TIMES"\nsleep 0.5\necho "end $EPOCHREALTIME $$" >> "$BENCH_TIMES"\nexit 1\n');
    stackSpec = loadBenchStack(
      bench.dir,
      `name: ${stackName}
services:
  crash:
    command: ["bash", "${script}"]
    environment:
      BENCH_TIMES: ${times}
    restart: always
    stop_grace_period: 1s
    x-berth:
      driver: process
      restart_backoff: { reset_after: 200ms }
`,
    );
    const taskId = `crash-1-${stackName}`;
    await waitForRegistration(bench);
    bench.push(stackSpec, 1);
    const parse = () =>
      readFileSync(times, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => {
          const [kind, t, pid] = l.split(' ');
          return { kind, ms: Number(t) * 1000, pid: Number(pid) };
        });
    const gaps = await waitFor(
      () => {
        if (bench.agentExit) throw new Error(`agent exited: ${bench.agentLog.slice(-5).join(' | ')}`);
        const lines = parse();
        const out = [];
        for (let i = 1; i < lines.length; i++) {
          const [prev, cur] = [lines[i - 1], lines[i]];
          if (prev.kind === 'end' && cur.kind === 'start' && prev.pid !== cur.pid) out.push({ end: prev.ms, start: cur.ms, ms: cur.ms - prev.ms });
        }
        return out.length >= crashes && out.slice(0, crashes);
      },
      `${crashes} process restarts`,
      20_000 + crashes * 3_000,
      50,
    );
    await waitFor(() => runningStatusesByRestart(scheduler, taskId, crashes).size >= crashes, 'running statuses', 5_000, 20).catch(() => undefined);
    const byRestart = runningStatusesByRestart(scheduler, taskId, crashes);
    const statuses = [...byRestart.values()];
    const agentView = statuses.map((s) => s.stateTimes.running - s.stateTimes.failed);
    const delays = statuses.map((s) => s.stateTimes.starting - s.stateTimes.failed);
    // Gap k is restart k: split it at the agent's (whole-ms) exit-seen time.
    const exitSeen = [];
    const seenToNew = [];
    gaps.forEach((g, i) => {
      const t = byRestart.get(i + 1)?.stateTimes;
      if (t?.failed === undefined) return;
      exitSeen.push(t.failed - g.end);
      seenToNew.push(g.start - t.failed);
    });
    const restarts = latestStatuses(scheduler).get(taskId)?.restarts;

    // The floor: bash exec'ing a bash that stamps its first instant (no agent, no fork).
    const floorScript = path.join(bench.dir, 'floor.sh');
    writeFileSync(floorScript, 'if [ -z "$1" ]; then exec bash "$0" "$EPOCHREALTIME"; fi\necho "$1 $EPOCHREALTIME"\n');
    const floor = [];
    for (let i = 0; i < crashes; i++) {
      const [a, b] = execFileSync('bash', [floorScript], { encoding: 'utf8', timeout: 5_000 }).trim().split(' ').map(Number);
      floor.push((b - a) * 1000);
    }
    console.log(`process driver: crash-to-running, ${crashes} crashes (bash script: stamp, sleep 0.5, stamp, exit 1)`);
    console.log(`  host: ${loadAtStart} at the start, ${hostLoad()} at the end`);
    console.log(`  old process's last instant → new process's first instant ${fmt(gaps.map((g) => g.ms), 2)}   (target: median < 20 ms)`);
    console.log(`    old process's last instant → agent saw the exit      ${fmt(exitSeen, 1)}   (agent time in whole ms)`);
    console.log(`    agent saw the exit → new process's first instant     ${fmt(seenToNew, 1)}`);
    console.log(`  floor: bash exec → first instant, no agent             ${fmt(floor, 2)}`);
    console.log(`  agent's own view: exit seen → running (stateTimes)     ${fmt(agentView, 0)}`);
    console.log(`  restart delay (starting − failed) > 1 ms: ${delays.filter((d) => d > 1).length} of ${delays.length}; restarts reported: ${restarts}`);
  });
}

if (mode === 'docker' || mode === 'all') {
  const why = await dockerUnavailable();
  if (why) console.log(`docker driver: skipped, no Docker engine (${why})`);
  else await dockerBench();
}
if (mode === 'process' || mode === 'all') await processBench();
