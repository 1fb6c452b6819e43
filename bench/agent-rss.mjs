// Benchmark: resident memory of an idle `berth agent` running 20 tasks (target: under 60 MB).
// For each driver, a TestScheduler (in-process, loopback gRPC) assigns 20 tasks running
// `sleep 3600` to a fresh agent child (`--driver docker` / `--driver process`); once all 20
// report running and no status has arrived for 2 s, the agent is left idle, and its VmRSS
// (/proc/<pid>/status) is read 5 times 1 s apart starting 5 s later, and 10 times starting 20 s
// later (V8's memory reducer shrinks the heap some 10-25 s after the last burst of work, later
// on a loaded host, so the second set is usually the steady state; its min is printed too). The same agent's RSS before any task was assigned is printed first, and,
// for scale, the RSS of a bare node and of a node that only imported the agent package.
//
// Usage: npx tsc -b && node bench/agent-rss.mjs [docker|process|all] [tasks=20]
//        BERTH_BENCH_NODE_FLAGS="--max-semi-space-size=1" node bench/agent-rss.mjs   (agent node flags)
import { execFileSync } from 'node:child_process';
import {
  IMAGE,
  dockerUnavailable,
  hostLoad,
  ROOT,
  latestStatuses,
  loadBenchStack,
  median,
  readRss,
  sleep,
  startBench,
  uniqueStackName,
  waitFor,
  waitForRegistration,
  withCleanup,
} from './agent-bench-lib.mjs';

const mode = process.argv[2] ?? 'all';
const tasks = Math.max(1, Math.min(100, Number(process.argv[3] ?? 20)));
if (!['docker', 'process', 'all'].includes(mode)) throw new Error('usage: agent-rss.mjs [docker|process|all] [tasks]');
const SAMPLES = 5;
const MiB = 1024;

/** VmRSS samples of `pid`, `count` of them, 1 s apart. */
async function sampleRss(pid, count = SAMPLES) {
  const samples = [];
  for (let i = 0; i < count; i++) {
    if (i > 0) await sleep(1_000);
    samples.push(readRss(pid));
  }
  return samples;
}

function report(label, samples) {
  const rss = samples.map((s) => s.rss / MiB);
  const last = samples.at(-1);
  console.log(
    `  ${label.padEnd(26)} VmRSS median ${median(rss).toFixed(1)} MiB (min ${Math.min(...rss).toFixed(1)}, max ${Math.max(...rss).toFixed(1)}, n=${rss.length})` +
      `  anon ${(last.anon / MiB).toFixed(1)} / file ${(last.file / MiB).toFixed(1)} MiB, peak (VmHWM) ${(last.hwm / MiB).toFixed(1)} MiB`,
  );
  return median(rss);
}

async function rssBench(driver) {
  const stackName = uniqueStackName(`benchrss${driver === 'docker' ? 'd' : 'p'}`);
  const bench = await startBench({ driver, stack: stackName, label: 'berth-bench-rss' });
  let stackSpec;
  await withCleanup([() => bench.cleanup(stackSpec)], async () => {
    const { scheduler, agent } = bench;
    const service =
      driver === 'docker'
        ? `    image: ${IMAGE}\n    pull_policy: never\n    command: ["sleep", "3600"]\n`
        : `    command: ["sleep", "3600"]\n    x-berth:\n      driver: process\n`;
    stackSpec = loadBenchStack(bench.dir, `name: ${stackName}\nservices:\n  idle:\n${service}    stop_grace_period: 2s\n`);
    await waitForRegistration(bench);
    await sleep(5_000);
    const empty = await sampleRss(agent.pid);

    const t0 = Date.now();
    bench.push(stackSpec, tasks);
    await waitFor(
      () => {
        if (bench.agentExit) throw new Error(`agent exited: ${bench.agentLog.slice(-5).join(' | ')}`);
        const latest = [...latestStatuses(scheduler).values()];
        const failed = latest.find((s) => s.state === 'failed');
        if (failed) throw new Error(`task ${failed.taskId} failed: ${failed.message}`);
        return latest.length === tasks && latest.every((s) => s.state === 'running');
      },
      `${tasks} running tasks`,
      120_000,
      50,
    );
    const allRunningMs = Date.now() - t0;
    // Settled: no status batch for 2 s.
    let batches = scheduler.statusBatches().length;
    let quietSince = Date.now();
    await waitFor(
      () => {
        const now = scheduler.statusBatches().length;
        if (now !== batches) [batches, quietSince] = [now, Date.now()];
        return Date.now() - quietSince >= 2_000;
      },
      'statuses to settle',
      30_000,
      100,
    );
    await sleep(5_000);
    const loaded = await sampleRss(agent.pid);
    await sleep(10_000);
    const steady = await sampleRss(agent.pid, 2 * SAMPLES);
    console.log(`${driver} driver: agent pid ${agent.pid}, ${tasks} tasks running ${allRunningMs} ms after the assignment (${hostLoad()})`);
    report('registered, no tasks', empty);
    report(`${tasks} tasks, idle 5 s`, loaded);
    const value = report(`${tasks} tasks, idle 20-30 s`, steady);
    const mb = (value * MiB * 1024) / 1e6;
    console.log(`  with ${tasks} tasks (steady): ${mb.toFixed(1)} MB (10^6 bytes); target < 60 MB: ${mb < 60 ? 'met' : 'MISSED'}`);
  });
}

/** RSS and live JS heap of a node that imported `module` (nothing else) and collected garbage. */
function importFloor(module) {
  const script = `${module ? `await import(${JSON.stringify(module)});` : ''}
globalThis.gc(); globalThis.gc();
await new Promise((r) => setTimeout(r, 500));
const m = process.memoryUsage();
console.log(JSON.stringify({ rss: m.rss, heapUsed: m.heapUsed }));`;
  const out = execFileSync(process.execPath, ['--expose-gc', '--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 20_000 });
  const { rss, heapUsed } = JSON.parse(out);
  return `RSS ${(rss / 1048576).toFixed(1)} MiB, JS heap in use ${(heapUsed / 1048576).toFixed(1)} MiB`;
}

console.log('for scale (node, after gc):');
console.log(`  bare node                  ${importFloor('')}`);
console.log(`  import '@berth/agent'      ${importFloor('@berth/agent')}`);
console.log(`  import the CLI (main.js)   ${importFloor('./packages/cli/dist/main.js')}`);
if (mode === 'docker' || mode === 'all') {
  const why = await dockerUnavailable();
  if (why) console.log(`docker driver: skipped, no Docker engine (${why})`);
  else await rssBench('docker');
}
if (mode === 'process' || mode === 'all') await rssBench('process');
