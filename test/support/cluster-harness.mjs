// @ts-check
/**
 * A berth cluster made of real processes on one machine, for the cluster tests and the failover
 * benchmark (plain JS, so bench/*.mjs can import it; types and TSDoc in cluster-harness.d.mts):
 *
 *   test ── berth CLI (BERTH_HOST=unix://<root>/scheduler/control.sock) ──▶ berth scheduler
 *                                                                          ▲ 127.0.0.1:<port>
 *     host n: berth agent --address 127.0.0.(10+n) --data-dir <root>/host-n/agent  (HOME=<root>/host-n/home)
 *             └─ dials 127.0.0.(10+n):<p> = a TcpProxy the harness owns ─────────┘
 *
 * Faults: killHost (SIGKILL the agent, then every workload it started), killAgent, restartAgent,
 * stop/cont (SIGSTOP/SIGCONT the agent only), cut/restore (the host's proxy). sampleTasks() and
 * watch() look at reality (processes, containers), never at the scheduler. Everything is
 * selected by what this harness made: its pids, its hosts' HOME dirs and task records, and the
 * io.berth.stack / io.berth.node labels of its own stacks and nodes.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { BerthProcess, baseEnv, runBerth, sleep } from './berth-process.mjs';
import { ClusterHost, hostAddress } from './cluster-host.mjs';
import { listContainers, removeContainer, removeNetworksAndVolumes } from './docker-engine-api.mjs';
import {
  HomeScanner,
  killProcessWorkloads,
  removeHostContainers,
  scanDockerWorkloads,
  scanProcessWorkloads,
} from './host-workloads.mjs';
import { startWatch } from './reality-watch.mjs';
import { TcpProxy } from './tcp-proxy.mjs';

export { hostAddress };

/** What an agent prints once its stream to the scheduler is up (packages/agent/src/agent.ts). */
export const AGENT_CONNECTED = /connected to scheduler/;
const START_TIMEOUT_MS = 45_000;
const CLI_TIMEOUT_MS = 60_000;

/** A TCP port free on 127.0.0.1 right now. */
export function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every `intervalMs` (100) until it returns something truthy; throws after `timeoutMs`.
 * @template T
 * @param {() => T | Promise<T>} check
 * @param {{ timeoutMs: number; intervalMs?: number; what: string; context?: () => string }} options
 * @returns {Promise<NonNullable<T>>}
 */
export async function waitFor(check, options) {
  const deadline = Date.now() + options.timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return /** @type {NonNullable<T>} */ (value);
    if (Date.now() > deadline) {
      const extra = options.context?.() ?? '';
      throw new Error(`timed out after ${options.timeoutMs} ms waiting for ${options.what}${extra ? `\n${extra}` : ''}`);
    }
    await sleep(options.intervalMs ?? 100);
  }
}

/** See the module comment and cluster-harness.d.mts. */
export class Cluster {
  /** @type {ClusterHost[]} */
  hosts = [];
  /** @type {string[]} */
  stacks = [];
  /** @type {BerthProcess[]} */
  extraAgents = [];
  /** @type {string} */
  token = '';
  #scanner = new HomeScanner();
  /** @type {Set<{ stop: () => Promise<unknown> }>} */
  #watches = new Set();
  #closed = false;

  /**
   * @param {string} root
   * @param {import('./cluster-harness.d.mts').ClusterOptions} options
   * @param {number} port
   */
  constructor(root, options, port) {
    this.root = root;
    this.driver = options.driver ?? 'process';
    this.schedulerPort = port;
    this.schedulerAddress = `127.0.0.1:${port}`;
    this.schedulerDir = path.join(root, 'scheduler');
    this.controlSocket = path.join(this.schedulerDir, 'control.sock');
    this.env = { ...baseEnv(path.join(root, 'cli-home')), BERTH_HOST: `unix://${this.controlSocket}` };
    this.options = options;
    /** @type {BerthProcess} */
    this.scheduler = /** @type {never} */ (undefined);
  }

  /** @param {import('./cluster-harness.d.mts').ClusterOptions} [options] */
  static async start(options = {}) {
    const root = await mkdtemp(path.join(tmpdir(), options.prefix ?? 'berth-cluster-'));
    const cluster = new Cluster(root, options, await freePort());
    try {
      await cluster.#start(options.agents ?? 3);
    } catch (error) {
      await cluster.close().catch(() => undefined);
      throw error;
    }
    return cluster;
  }

  /** @param {number} count */
  async #start(count) {
    await mkdir(path.join(this.root, 'cli-home'), { recursive: true });
    this.scheduler = new BerthProcess(
      ['scheduler', '--listen', this.schedulerAddress, '--data-dir', this.schedulerDir, ...(this.options.schedulerArgs ?? [])],
      baseEnv(path.join(this.root, 'scheduler-home')),
      'scheduler',
    );
    await waitFor(
      async () => {
        if (!this.scheduler.running) throw new Error(`berth scheduler exited:\n${this.scheduler.tail()}`);
        return existsSync(this.controlSocket) && (await this.berth(['nodes', '--format', 'json'])).status === 0;
      },
      { timeoutMs: START_TIMEOUT_MS, intervalMs: 100, what: 'the scheduler to answer', context: () => this.scheduler.tail() },
    );
    const r = await this.berth(['token']);
    if (r.status !== 0) throw new Error(`berth token failed (${r.status}):\n${r.stderr}`);
    this.token = r.stdout.trim();
    for (let n = 1; n <= count; n++) {
      const address = hostAddress(n);
      const proxy = await TcpProxy.start({ listenHost: address, targetHost: '127.0.0.1', targetPort: this.schedulerPort, localAddress: address });
      const host = new ClusterHost(n, this.root, this.options.labels?.(n) ?? {}, proxy);
      await mkdir(host.home, { recursive: true });
      this.hosts.push(host);
    }
    await Promise.all(this.hosts.map((h) => this.#startAgent(h)));
    await this.waitForNodes((nodes) => this.hosts.every((h) => nodes.some((x) => x.name === h.name && x.state === 'ready')), 'every node ready');
    const nodes = await this.nodes();
    for (const h of this.hosts) {
      for (const x of nodes) if (x.name === h.name) h.nodeIds.add(x.id);
      const stored = h.storedNodeId();
      if (stored) h.nodeIds.add(stored);
    }
  }

  /** @param {number} n */
  host(n) {
    const h = this.hosts[n - 1];
    if (h === undefined) throw new Error(`no host ${n} (the cluster has ${this.hosts.length})`);
    return h;
  }

  /** @param {ClusterHost} host */
  agentArgs(host) {
    return [
      'agent',
      '--join',
      host.proxy.address,
      '--token',
      this.token,
      '--data-dir',
      host.dataDir,
      '--address',
      host.address,
      '--name',
      host.name,
      ...Object.entries(host.labels).flatMap(([k, v]) => ['--label', `${k}=${v}`]),
      '--driver',
      this.driver,
      ...(this.options.agentArgs ?? []),
    ];
  }

  /** @param {ClusterHost} host */
  async #startAgent(host) {
    const agent = new BerthProcess(this.agentArgs(host), baseEnv(host.home), host.name);
    host.agents.push(agent);
    await waitFor(
      () => {
        if (!agent.running) throw new Error(`${host.name}'s agent exited (${JSON.stringify(agent.exit)}):\n${agent.tail()}`);
        return AGENT_CONNECTED.test(agent.output);
      },
      { timeoutMs: START_TIMEOUT_MS, what: `${host.name}'s agent to connect`, context: () => agent.tail() },
    );
    const stored = host.storedNodeId();
    if (stored) host.nodeIds.add(stored);
    return agent;
  }

  /**
   * @param {string[]} args
   * @param {number} [timeoutMs]
   */
  berth(args, timeoutMs = CLI_TIMEOUT_MS) {
    return runBerth(args, this.env, timeoutMs);
  }

  /** @param {string} prefix */
  stackName(prefix) {
    return `${prefix}${randomBytes(4).toString('hex')}`;
  }

  /**
   * @param {string} stack
   * @param {string} yaml
   */
  async up(stack, yaml) {
    if (!this.stacks.includes(stack)) this.stacks.push(stack);
    const dir = path.join(this.root, 'stacks', stack);
    await mkdir(dir, { recursive: true });
    const file = path.join(dir, 'stack.yaml');
    await writeFile(file, yaml);
    const r = await this.berth(['up', '-d', '-p', stack, '-f', file]);
    if (r.status !== 0) throw new Error(`berth up ${stack} failed (${r.status}):\n${r.stderr}\n${r.stdout}`);
    return r;
  }

  /** @param {string} stack */
  async ps(stack) {
    const r = await this.berth(['ps', '-p', stack, '--format', 'json']);
    if (r.status !== 0) throw new Error(`berth ps failed (${r.status}): ${r.stderr}`);
    return /** @type {import('./cluster-harness.d.mts').PsTask[]} */ (JSON.parse(r.stdout));
  }

  async nodes() {
    const r = await this.berth(['nodes', '--format', 'json']);
    if (r.status !== 0) throw new Error(`berth nodes failed (${r.status}): ${r.stderr}`);
    return /** @type {import('./cluster-harness.d.mts').NodeJson[]} */ (JSON.parse(r.stdout));
  }

  /**
   * @param {(nodes: import('./cluster-harness.d.mts').NodeJson[]) => boolean} predicate
   * @param {string} what
   * @param {number} [timeoutMs]
   */
  async waitForNodes(predicate, what, timeoutMs = START_TIMEOUT_MS) {
    /** @type {import('./cluster-harness.d.mts').NodeJson[]} */
    let last = [];
    return waitFor(
      async () => {
        last = await this.nodes();
        return predicate(last) ? last : undefined;
      },
      { timeoutMs, intervalMs: 250, what, context: () => `nodes: ${JSON.stringify(last.map((x) => [x.name, x.state, x.availability]))}\n${this.debug()}` },
    );
  }

  /** @param {number} n */
  async killHost(n) {
    const host = this.host(n);
    const at = Date.now();
    await host.agent.kill9();
    const stored = host.storedNodeId();
    if (stored) host.nodeIds.add(stored);
    const workloads =
      this.driver === 'docker' ? await removeHostContainers([...host.nodeIds]) : await killProcessWorkloads(this.#scanner, host.ref());
    return { at, workloads };
  }

  /** @param {number} n */
  async killAgent(n) {
    const at = Date.now();
    await this.host(n).agent.kill9();
    return { at };
  }

  /** @param {number} n */
  async restartAgent(n) {
    const host = this.host(n);
    if (host.agent.running) await host.agent.kill9();
    return this.#startAgent(host);
  }

  /** @param {number} n */
  stop(n) {
    if (!this.host(n).agent.signal('SIGSTOP')) throw new Error(`${this.host(n).name}'s agent is not running`);
    return Date.now();
  }

  /** @param {number} n */
  cont(n) {
    if (!this.host(n).agent.signal('SIGCONT')) throw new Error(`${this.host(n).name}'s agent is not running`);
    return Date.now();
  }

  /**
   * @param {number} n
   * @param {'blackhole' | 'reset'} [how]
   */
  cut(n, how = 'blackhole') {
    this.host(n).proxy.cut(how);
    return Date.now();
  }

  /** @param {number} n */
  restore(n) {
    this.host(n).proxy.restore();
    return Date.now();
  }

  async sampleTasks() {
    const at = Date.now();
    if (this.driver === 'docker') {
      const byNode = new Map(this.hosts.flatMap((h) => [...h.nodeIds].map((id) => /** @type {[string, number]} */ ([id, h.n]))));
      return { at, ...(await scanDockerWorkloads(this.stacks, byNode)) };
    }
    return { at, ...(await scanProcessWorkloads(this.#scanner, this.hosts.map((h) => h.ref()))) };
  }

  /**
   * @template T
   * @param {() => T | Promise<T>} condition
   * @param {{ timeoutMs: number; intervalMs?: number; what: string }} options
   */
  waitFor(condition, options) {
    return waitFor(condition, { ...options, context: () => this.debug() });
  }

  /** @param {{ intervalMs?: number }} [options] */
  watch(options = {}) {
    const watch = startWatch(() => this.sampleTasks(), options.intervalMs ?? 100, () => this.#watches.delete(watch));
    this.#watches.add(watch);
    return watch;
  }

  /** @param {import('./cluster-harness.d.mts').ExtraAgentOptions} options */
  spawnAgent(options) {
    const args = [
      'agent',
      '--join',
      options.join ?? this.schedulerAddress,
      ...(options.token !== undefined ? ['--token', options.token] : []),
      '--data-dir',
      options.dataDir,
      '--address',
      options.address ?? '127.0.0.1',
      '--name',
      options.name,
      '--driver',
      this.driver,
      ...(options.extraArgs ?? []),
    ];
    const agent = new BerthProcess(args, baseEnv(options.home ?? path.join(this.root, 'extra-home')), options.name);
    this.extraAgents.push(agent);
    return agent;
  }

  /** @param {string} text */
  schedulerLines(text) {
    return this.scheduler.output.split('\n').filter((l) => l.includes(text));
  }

  debug() {
    const parts = [`scheduler:\n${this.scheduler?.tail(25) ?? '(none)'}`];
    for (const h of this.hosts) parts.push(`${h.name} (${h.proxy.mode}):\n${h.agents.at(-1)?.tail(12) ?? '(no agent)'}`);
    return parts.join('\n');
  }

  async close() {
    if (this.#closed) return;
    this.#closed = true;
    /** @type {unknown[]} */
    const failures = [];
    /** @param {() => Promise<unknown>} what */
    const attempt = async (what) => {
      try {
        await what();
      } catch (error) {
        failures.push(error);
      }
    };
    for (const w of [...this.#watches]) await attempt(() => w.stop());
    // Agents first (SIGKILL: a stopping agent leaves its tasks running anyway), so none restarts a task.
    for (const a of [...this.hosts.flatMap((h) => h.agents), ...this.extraAgents]) await attempt(() => a.kill9());
    for (const h of this.hosts) {
      if (this.driver === 'process') await attempt(() => killProcessWorkloads(this.#scanner, h.ref()));
    }
    if (this.driver === 'docker') {
      for (const stack of this.stacks) {
        await attempt(async () => {
          for (const c of await listContainers([`io.berth.stack=${stack}`], { all: true })) await removeContainer(c.id);
          await removeNetworksAndVolumes(`io.berth.stack=${stack}`);
        });
      }
    }
    if (this.scheduler) await attempt(() => this.scheduler.stop());
    for (const h of this.hosts) await attempt(() => h.proxy.close());
    await attempt(() => rm(this.root, { recursive: true, force: true }));
    if (failures.length > 0) throw new AggregateError(failures, 'cluster harness cleanup failed');
  }
}
