// berth up/down against docker-compose up/down on the SAME 10-service stack file (local image
// berth-test/busybox:latest, `pull_policy: never`: nothing is ever pulled), alternating
// berth/compose, ROUNDS rounds each. Times are wall clock around the real binaries:
//
//   berth up -d --wait  ·  berth down            (a `berth daemon` on a temp dir, started before timing)
//   docker-compose up -d  ·  docker-compose down (Debian's docker-compose)
//
// `berth up --wait` returns once every task runs and the health-checked one is healthy;
// `docker-compose up -d` (v1) has no --wait and returns once the containers are started. The
// report says how much of berth's figure is that health wait, and breaks every berth up into
// phases from the daemon's event stream (`berth events --format json`) and the engine's
// (`docker events`): cli → deploy → assigned → container create → start → running → healthy → exit.
//
// Everything the bench makes carries its unique stack/project label (io.berth.stack=<name>,
// com.docker.compose.project=<name>); cleanup selects by those labels and by the daemon's pid.
// Usage: node bench/up-down.mjs [--rounds N] [--trace]
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const BERTH_BIN = path.join(ROOT, 'packages/cli/bin/berth.js');
const IMAGE = 'berth-test/busybox:latest';
const ROUNDS = Number(argValue('--rounds') ?? 5);
/** --trace: print the full timeline (daemon events, engine events) of round 1's ups. */
const TRACE = process.argv.includes('--trace');
const SERVICES = 10;
const COMMAND_TIMEOUT_MS = 180_000;

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------
// Figures

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

// ---------------------------------------------------------------------------------------------
// Processes

/** Runs a command to completion (bounded); resolves with status, output and wall time. */
function run(file, args, options = {}) {
  return new Promise((resolve) => {
    const started = performance.now();
    const startedAt = Date.now();
    const child = spawn(file, args, { cwd: options.cwd ?? ROOT, env: options.env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? COMMAND_TIMEOUT_MS);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started, startedAt, endedAt: Date.now() });
    });
  });
}

function must(r, what) {
  if (r.status !== 0) throw new Error(`${what} failed (${r.status ?? r.signal}):\n${r.stderr}\n${r.stdout}`);
  return r;
}

function dockerSync(args) {
  const r = spawnSync('docker', args, { encoding: 'utf8', timeout: 60_000 });
  if (r.status !== 0) throw new Error(`docker ${args.join(' ')}: ${r.stderr || r.error}`);
  return r.stdout;
}

const lines = (text) => text.split('\n').map((l) => l.trim()).filter((l) => l !== '');

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** `docker events` of objects (containers by default) labelled `label` between two ms times, as objects. */
function dockerEvents(label, sinceMs, untilMs, type = 'container') {
  const t = (x) => `${Math.floor(x / 1000)}.${String(Math.floor(x % 1000)).padStart(3, '0')}000000`;
  const filters = ['--filter', `label=${label}`, ...(type === 'all' ? [] : ['--filter', `type=${type}`])];
  const out = dockerSync(['events', '--since', t(sinceMs), '--until', t(untilMs), ...filters, '--format', '{{json .}}']);
  return lines(out).map((l) => {
    const e = JSON.parse(l);
    return { type: e.Type, action: e.Action ?? e.status, timeMs: Number(BigInt(e.timeNano) / 1_000_000n), name: e.Actor?.Attributes?.name ?? '' };
  });
}

// ---------------------------------------------------------------------------------------------
// The stack: 10 services on the local image; two publish a port on 127.0.0.1; one has a health check.

function stackYaml(ports) {
  const svc = [];
  const base = (name, command) => [`  ${name}:`, `    image: ${IMAGE}`, '    pull_policy: never', `    command: ${JSON.stringify(command)}`, '    init: true'];
  const httpd = ['sh', '-c', 'mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www'];
  svc.push(...base('web1', httpd), '    ports:', `      - "127.0.0.1:${ports[0]}:8080"`);
  svc.push(...base('web2', httpd), '    ports:', `      - "127.0.0.1:${ports[1]}:8080"`);
  svc.push(
    ...base('api', httpd),
    '    healthcheck:',
    '      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
    '      interval: 1s',
    '      timeout: 1s',
    '      retries: 3',
  );
  for (let i = 1; i <= SERVICES - 3; i++) svc.push(...base(`worker${i}`, ['sleep', '3600']));
  return ['# generated by bench/up-down.mjs', 'services:', ...svc, ''].join('\n');
}

// ---------------------------------------------------------------------------------------------
// Preflight

function preflight() {
  const problems = [];
  if (spawnSync('docker', ['version'], { timeout: 10_000 }).status !== 0) problems.push('no Docker engine answers (bash scripts/start-docker-engine.sh)');
  else if (spawnSync('docker', ['image', 'inspect', IMAGE], { timeout: 10_000 }).status !== 0) problems.push(`no ${IMAGE} (bash scripts/build-test-image.sh)`);
  if (spawnSync('docker-compose', ['version'], { timeout: 20_000 }).status !== 0) problems.push('no docker-compose (apt-get install -y docker-compose)');
  if (!existsSync(path.join(ROOT, 'packages/cli/dist'))) problems.push('berth is not built (npx tsc -b)');
  return problems;
}

// ---------------------------------------------------------------------------------------------
// Main

const problems = preflight();
if (problems.length > 0) {
  console.log(`up-down: skipped: ${problems.join('; ')}`);
  process.exit(0);
}

const work = mkdtempSync(path.join(tmpdir(), 'berth-bench-updown-'));
const id = randomBytes(4).toString('hex');
const berthStack = `benchb${id}`;
const composeProject = `benchc${id}`;
const dataDir = path.join(work, 'daemon');
const file = path.join(work, 'stack.yaml');
const eventsCwd = path.join(work, 'events'); // no stack file here: `berth events` follows every stack
mkdirSync(eventsCwd);
writeFileSync(file, stackYaml([await freePort(), await freePort()]));
const env = {
  PATH: `${path.dirname(process.execPath)}:${process.env.PATH ?? '/usr/bin:/bin'}`,
  HOME: work,
  NO_COLOR: '1',
  XDG_STATE_HOME: path.join(work, 'xdg'),
  BERTH_HOST: `unix://${path.join(dataDir, 'control.sock')}`,
  ...(process.env.DOCKER_HOST ? { DOCKER_HOST: process.env.DOCKER_HOST } : {}),
};
const berth = (args, cwd = work) => run(process.execPath, [BERTH_BIN, ...args], { env, cwd });
const compose = (args) => run('docker-compose', ['-p', composeProject, '-f', file, ...args], { env: { ...env, COMPOSE_INTERACTIVE_NO_CLI: '1' }, cwd: work });

let daemon;
let events;
const eventLog = [];

async function cleanup() {
  try {
    if (daemon && daemon.exitCode === null) await berth(['down', '-p', berthStack, '--timeout', '2']);
  } catch {
    // Best effort; the label sweep below removes what is left.
  }
  events?.kill('SIGINT');
  if (daemon && daemon.exitCode === null) {
    daemon.kill('SIGTERM');
    for (let i = 0; i < 100 && daemon.exitCode === null && daemon.signalCode === null; i++) await sleep(100);
    if (daemon.exitCode === null && daemon.signalCode === null) daemon.kill('SIGKILL');
  }
  await compose(['down', '-v', '--timeout', '2']).catch(() => undefined);
  for (const label of [`io.berth.stack=${berthStack}`, `com.docker.compose.project=${composeProject}`]) {
    const filter = ['--filter', `label=${label}`];
    const cs = lines(dockerSync(['ps', '-aq', ...filter]));
    if (cs.length > 0) spawnSync('docker', ['rm', '-f', '-v', ...cs], { timeout: 60_000 });
    for (const n of lines(dockerSync(['network', 'ls', '-q', ...filter]))) spawnSync('docker', ['network', 'rm', n], { timeout: 60_000 });
    const vs = lines(dockerSync(['volume', 'ls', '-q', ...filter]));
    if (vs.length > 0) spawnSync('docker', ['volume', 'rm', ...vs], { timeout: 60_000 });
  }
  rmSync(work, { recursive: true, force: true });
}

process.once('SIGINT', () => {
  void cleanup().finally(() => process.exit(130));
});

/** Count of running containers labelled `label`. */
const runningCount = (label) => lines(dockerSync(['ps', '-q', '--filter', `label=${label}`])).length;
const leftCount = (label) =>
  lines(dockerSync(['ps', '-aq', '--filter', `label=${label}`])).length + lines(dockerSync(['network', 'ls', '-q', '--filter', `label=${label}`])).length;

/** Phases of one berth up, from the event stream and the engine's events (ms since the up began). */
function berthPhases(up) {
  const evs = eventLog.filter((e) => e.stack === berthStack && e.timeMs >= up.startedAt - 50 && e.timeMs <= up.endedAt + 50);
  const first = (pred) => Math.min(...evs.filter(pred).map((e) => e.timeMs));
  const last = (pred) => Math.max(...evs.filter(pred).map((e) => e.timeMs));
  const engine = dockerEvents(`io.berth.stack=${berthStack}`, up.startedAt, up.endedAt + 1);
  const eFirst = (a) => Math.min(...engine.filter((e) => e.action === a).map((e) => e.timeMs));
  const eLast = (a) => Math.max(...engine.filter((e) => e.action === a).map((e) => e.timeMs));
  const t0 = up.startedAt;
  return {
    deploy: first((e) => e.kind === 'deploy') - t0,
    allAssigned: last((e) => e.kind === 'task-state' && /^assigned/.test(e.message)) - t0,
    firstCreate: eFirst('create') - t0,
    lastCreate: eLast('create') - t0,
    firstStart: eFirst('start') - t0,
    lastStart: eLast('start') - t0,
    allRunning: last((e) => e.kind === 'task-state' && /^running/.test(e.message)) - t0,
    healthy: last((e) => e.kind === 'task-state' && /healthy/.test(e.message) && !/unhealthy/.test(e.message)) - t0,
    exit: up.endedAt - t0,
  };
}

/** Phases of one compose up from the engine's events (ms since the up began). */
function composePhases(up) {
  const engine = dockerEvents(`com.docker.compose.project=${composeProject}`, up.startedAt, up.endedAt + 1);
  const at = (a, f) => f(...engine.filter((e) => e.action === a).map((e) => e.timeMs)) - up.startedAt;
  return { firstCreate: at('create', Math.min), lastCreate: at('create', Math.max), firstStart: at('start', Math.min), lastStart: at('start', Math.max), exit: up.endedAt - up.startedAt };
}

/** Prints one up's timeline: berth's own events and the engine's (ms after the command was spawned). */
function traceEngine(title, label, up, extra) {
  const engine = dockerEvents(label, up.startedAt, up.endedAt + 1, 'all').map((e) => ({ t: e.timeMs, line: `engine ${e.type} ${e.action} ${e.name}` }));
  console.log(`--- trace of ${title} (${ms(up.ms)}):`);
  for (const e of [...extra, ...engine].sort((a, b) => a.t - b.t)) console.log(`  +${String(e.t - up.startedAt).padStart(5)} ${e.line}`);
  console.log(`  +${String(up.endedAt - up.startedAt).padStart(5)} command exited`);
}
function traceBerth(up, title = 'berth up') {
  const own = eventLog
    .filter((e) => e.stack === berthStack && e.timeMs >= up.startedAt - 50 && e.timeMs <= up.endedAt + 50)
    .map((e) => ({ t: e.timeMs, line: `berth  ${e.kind} ${e.service ?? ''} ${e.message}` }));
  traceEngine(title, `io.berth.stack=${berthStack}`, up, own);
}

try {
  console.log(`up-down: ${SERVICES} services on ${IMAGE}, ${ROUNDS} rounds, berth and docker-compose alternating; ${cpus().length} CPUs, load ${loadavg()[0].toFixed(2)}`);
  const composeVersion = lines(spawnSync('docker-compose', ['version', '--short'], { encoding: 'utf8' }).stdout)[0];
  const engineVersion = dockerSync(['version', '--format', '{{.Server.Version}}']).trim();
  console.log(`docker-compose ${composeVersion}, engine ${engineVersion}, node ${process.version}`);

  // The CLI's own start-up, for reference: what every berth command pays before any work.
  const version = [];
  for (let i = 0; i < 5; i++) version.push(must(await berth(['--version']), 'berth --version').ms);
  console.log(`berth --version (node start + CLI load):   ${figure(version)}`);

  // Daemon start, reported separately (not part of any up figure).
  const daemonStart = performance.now();
  daemon = spawn(process.execPath, [BERTH_BIN, 'daemon', '--data-dir', dataDir], { cwd: work, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let daemonOut = '';
  daemon.stdout.on('data', (c) => (daemonOut += c));
  daemon.stderr.on('data', (c) => (daemonOut += c));
  for (let i = 0; i < 400 && !/scheduler: node \S+ registered/.test(daemonOut); i++) {
    if (daemon.exitCode !== null) throw new Error(`berth daemon exited:\n${daemonOut}`);
    await sleep(25);
  }
  if (!/scheduler: node \S+ registered/.test(daemonOut)) throw new Error(`berth daemon not ready in 10 s:\n${daemonOut}`);
  const daemonMs = performance.now() - daemonStart;
  console.log(`berth daemon start (spawn → agent registered): ${ms(daemonMs)} (n=1)`);

  // The event stream for the phase breakdown: one `berth events` for the whole run.
  events = spawn(process.execPath, [BERTH_BIN, 'events', '--format', 'json'], { cwd: eventsCwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let partial = '';
  events.stdout.on('data', (c) => {
    partial += c;
    const parts = partial.split('\n');
    partial = parts.pop() ?? '';
    for (const p of parts) {
      if (p.trim() === '') continue;
      const e = JSON.parse(p);
      eventLog.push({ ...e, timeMs: Date.parse(e.time) });
    }
  });
  await sleep(500);

  // One untimed warm-up of each, so neither pays first-use costs (page cache, network setup) in round 1.
  must(await berth(['up', '-d', '--wait', '-p', berthStack, '-f', file]), 'warm-up berth up');
  must(await berth(['down', '-p', berthStack]), 'warm-up berth down');
  must(await compose(['up', '-d']), 'warm-up compose up');
  must(await compose(['down']), 'warm-up compose down');

  const results = { berthUp: [], berthDown: [], composeUp: [], composeDown: [] };
  const phases = [];
  const composeUpPhases = [];
  for (let round = 1; round <= ROUNDS; round++) {
    const order = round % 2 === 1 ? ['berth', 'compose'] : ['compose', 'berth'];
    const row = {};
    for (const tool of order) {
      if (tool === 'berth') {
        const up = must(await berth(['up', '-d', '--wait', '--timeout', '120', '-p', berthStack, '-f', file]), 'berth up');
        const running = runningCount(`io.berth.stack=${berthStack}`);
        if (running !== SERVICES) throw new Error(`berth up: ${running} containers running, expected ${SERVICES}`);
        await sleep(300); // let the event stream catch up before reading it
        phases.push(berthPhases(up));
        if (TRACE && round === 1) traceBerth(up);
        const down = must(await berth(['down', '-p', berthStack]), 'berth down');
        if (TRACE && round === 1) {
          await sleep(300);
          traceBerth(down, 'berth down');
        }
        if (leftCount(`io.berth.stack=${berthStack}`) !== 0) throw new Error('berth down left containers or networks');
        results.berthUp.push(up.ms);
        results.berthDown.push(down.ms);
        row.berth = `berth up ${ms(up.ms)} down ${ms(down.ms)}`;
      } else {
        const up = must(await compose(['up', '-d']), 'docker-compose up');
        const running = runningCount(`com.docker.compose.project=${composeProject}`);
        if (running !== SERVICES) throw new Error(`docker-compose up: ${running} containers running, expected ${SERVICES}`);
        composeUpPhases.push(composePhases(up));
        if (TRACE && round === 1) traceEngine('docker-compose up', `com.docker.compose.project=${composeProject}`, up, []);
        const down = must(await compose(['down']), 'docker-compose down');
        if (TRACE && round === 1) traceEngine('docker-compose down', `com.docker.compose.project=${composeProject}`, down, []);
        if (leftCount(`com.docker.compose.project=${composeProject}`) !== 0) throw new Error('docker-compose down left containers or networks');
        results.composeUp.push(up.ms);
        results.composeDown.push(down.ms);
        row.compose = `compose up ${ms(up.ms)} down ${ms(down.ms)}`;
      }
    }
    console.log(`round ${round}: ${row.berth} | ${row.compose}`);
  }

  console.log('');
  console.log(`berth up -d --wait:    ${figure(results.berthUp)}`);
  console.log(`docker-compose up -d:  ${figure(results.composeUp)}`);
  console.log(`berth down:            ${figure(results.berthDown)}`);
  console.log(`docker-compose down:   ${figure(results.composeDown)}`);
  const upRatio = median(results.berthUp) / median(results.composeUp);
  const downRatio = median(results.berthDown) / median(results.composeDown);
  console.log(`ratio berth/compose (medians): up ${upRatio.toFixed(2)}x (target <= 0.50x: ${upRatio <= 0.5 ? 'met' : 'NOT met'}), down ${downRatio.toFixed(2)}x`);

  const keys = Object.keys(phases[0] ?? {});
  console.log('');
  console.log('berth up phases, ms after the command was spawned (median over rounds; min-max):');
  for (const k of keys) {
    const xs = phases.map((p) => p[k]).filter(Number.isFinite);
    console.log(`  ${k.padEnd(12)} ${ms(median(xs)).padStart(8)}  (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`);
  }
  console.log('docker-compose up phases, ms after the command was spawned (median):');
  for (const k of Object.keys(composeUpPhases[0] ?? {})) {
    const xs = composeUpPhases.map((p) => p[k]).filter(Number.isFinite);
    console.log(`  ${k.padEnd(12)} ${ms(median(xs)).padStart(8)}  (${Math.round(Math.min(...xs))}-${Math.round(Math.max(...xs))})`);
  }
  const noHealth = phases.map((p) => p.allRunning).filter(Number.isFinite);
  console.log(`berth up until every task running (no health wait): ${figure(noHealth)}; ratio to compose up ${(median(noHealth) / median(results.composeUp)).toFixed(2)}x`);
} finally {
  await cleanup();
}
