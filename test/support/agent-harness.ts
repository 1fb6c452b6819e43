/**
 * End-to-end harness for the agent: a real `berth agent` process (node packages/cli/bin/berth.js,
 * so it can be SIGKILLed) joined to a TestScheduler inside the test process, fed COMPLETE
 * assignment sets built from Compose YAML by loadStack.
 *
 *   test ── AgentHarness.loadStack(yaml) ── assignmentsFor ── push ──▶ TestScheduler ──gRPC──▶ berth agent
 *        ◀── latest()/history()/waitForStatus() ◀── status batches ◀────────────────────────────┘
 *
 * Every harness owns a temp data dir, a temp project dir and a loopback address. Stack names are
 * random (`bt<random>`), so `io.berth.stack=<name>` selects exactly what this harness's agent
 * made. cleanup(): stops the agent (SIGTERM, then SIGKILL of that pid), removes containers and
 * networks by the stack label, kills process-driver tasks by the pid (checked against the start
 * time) in their records, then deletes the temp dirs and closes the scheduler.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import type Docker from 'dockerode';
import type { DriverName, StackSpec, TaskStatus } from '@berth/api';
import { TestScheduler } from '@berth/agent';
import { formatDiagnostic, loadStack } from '@berth/stack';
import { REPO_ROOT } from './shared.js';

/** What TestScheduler.pushAssignments takes (the type's home module is being moved; derive it). */
export type AssignmentSet = Parameters<TestScheduler['pushAssignments']>[0];
/** One task of a set. */
export type Assignment = AssignmentSet['assignments'][number];

/** The berth launcher; the agent runs the built CLI (`npx tsc -b` first). */
export const BERTH_BIN = path.join(REPO_ROOT, 'packages/cli/bin/berth.js');
/** Label key berth puts on every container and network of a stack. */
export const STACK_LABEL = 'io.berth.stack';

const AGENT_STOP_TIMEOUT_MS = 8_000;
const REGISTER_TIMEOUT_MS = 20_000;

/** Resolves after `ms`. */
export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * Polls `check` every 20 ms until it returns something truthy, at most `timeoutMs`; the timeout
 * error names `what` and, via `context`, whatever helps debugging (e.g. the agent's output).
 */
export async function waitFor<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string,
  timeoutMs: number,
  context: () => string = () => '',
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const extra = context();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra ? `\n${extra}` : ''}`);
    }
    await sleep(20);
  }
}

/** How a spawned agent ended. */
export interface AgentExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One `berth agent` process. */
export class AgentProcess {
  readonly pid: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<AgentExit>;
  readonly #child: ChildProcess;
  readonly #output: string[] = [];
  #exit: AgentExit | undefined;

  constructor(args: string[], env: NodeJS.ProcessEnv) {
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not spawn ${BERTH_BIN}`);
    this.#child = child;
    this.pid = child.pid;
    const keep = (chunk: Buffer): void => {
      this.#output.push(chunk.toString('utf8'));
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise<AgentExit>((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  /** Everything the agent wrote (stdout and stderr interleaved). */
  get output(): string {
    return this.#output.join('');
  }

  /** The last `lines` lines of output, for failure messages. */
  tail(lines = 30): string {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }

  /** True until the process has exited. */
  get running(): boolean {
    return this.#exit === undefined;
  }

  /** `kill -9` this agent and waits until it is gone. */
  async kill9(): Promise<AgentExit> {
    if (this.running) this.#child.kill('SIGKILL');
    return this.#bounded(this.exited, 10_000, 'the SIGKILLed agent to exit');
  }

  /** SIGTERM (the agent lets go of its tasks and exits); SIGKILL if it has not exited in time. */
  async stop(timeoutMs = AGENT_STOP_TIMEOUT_MS): Promise<AgentExit> {
    if (!this.running) return this.exited;
    this.#child.kill('SIGTERM');
    const done = await Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
    if (done !== undefined) return done;
    this.#child.kill('SIGKILL');
    return this.#bounded(this.exited, 10_000, 'the agent to exit after SIGKILL');
  }

  async #bounded<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
    });
    try {
      return await Promise.race([promise, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/** Settings of a harness. */
export interface AgentHarnessOptions {
  /** Loopback address the agent reports and binds address-less ports to, e.g. `127.0.0.11`. */
  address: string;
  /** `--driver` flags; default both. */
  drivers?: DriverName[];
  /** Needed to clean up containers and networks (docker-driver tests). */
  docker?: Docker;
}

/** Options of {@link AgentHarness.assignmentsFor}. */
export interface AssignOptions {
  /** Services to assign (default: all of the stack). */
  services?: string[];
  /** Replicas per service (default: the service's `deploy.replicas`). */
  replicas?: number;
  desired?: Assignment['desired'];
}

/** A process-driver task's process, as its record (and its `pid:starttime` runtime id) names it. */
export interface ProcessRecord {
  pid: number;
  startTime: number;
}

/** See the module comment. */
export class AgentHarness {
  readonly scheduler: TestScheduler;
  readonly dataDir: string;
  readonly address: string;
  /** Every agent process this harness started, oldest first. */
  readonly agents: AgentProcess[] = [];
  readonly #workDir: string;
  readonly #drivers: DriverName[];
  readonly #docker: Docker | undefined;
  readonly #stacks = new Set<string>();
  #revision = 0;

  private constructor(scheduler: TestScheduler, workDir: string, options: AgentHarnessOptions) {
    this.scheduler = scheduler;
    this.#workDir = workDir;
    this.dataDir = path.join(workDir, 'data');
    this.address = options.address;
    this.#drivers = options.drivers ?? ['docker', 'process'];
    this.#docker = options.docker;
  }

  /** A scheduler on 127.0.0.1 and fresh temp dirs; no agent yet. */
  static async create(options: AgentHarnessOptions): Promise<AgentHarness> {
    const workDir = await mkdtemp(path.join(tmpdir(), 'berth-agent-e2e-'));
    await mkdir(path.join(workDir, 'data'), { recursive: true });
    const scheduler = await TestScheduler.start();
    return new AgentHarness(scheduler, workDir, options);
  }

  /** The newest agent process. */
  get agent(): AgentProcess {
    const agent = this.agents.at(-1);
    if (agent === undefined) throw new Error('no agent started yet');
    return agent;
  }

  /** `kill -9` of the newest agent; resolves once the scheduler has seen its stream end too. */
  async killAgent(): Promise<AgentExit> {
    const exit = await this.agent.kill9();
    await waitFor(() => this.scheduler.openStreams === 0, 'the killed agent\'s stream to end', 10_000);
    return exit;
  }

  /** Index into `scheduler.received` now: statuses after a mark are newer than it. */
  mark(): number {
    return this.scheduler.received.length;
  }

  /**
   * Starts `berth agent` on this harness's data dir and waits for its Register. Resolves with
   * the process and the index of that Register in `scheduler.received`: used as `since`, it
   * selects the registration's task list and every status this agent sent after it.
   */
  async startAgent(): Promise<{ agent: AgentProcess; registeredAt: number }> {
    const before = this.scheduler.registrations().length;
    const args = [
      'agent',
      // TestScheduler speaks plain text: no join, no certificate (a hidden flag for this harness).
      '--insecure',
      '--join',
      this.scheduler.address,
      '--data-dir',
      this.dataDir,
      '--address',
      this.address,
      '--name',
      `e2e-${this.address}`,
      ...this.#drivers.flatMap((d) => ['--driver', d]),
    ];
    const env: NodeJS.ProcessEnv = {
      PATH: process.env['PATH'] ?? '/usr/bin:/bin',
      HOME: process.env['HOME'] ?? '/root',
      NO_COLOR: '1',
      ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    };
    const agent = new AgentProcess(args, env);
    this.agents.push(agent);
    const registeredAt = await waitFor(
      () => {
        if (!agent.running) throw new Error(`berth agent exited before registering:\n${agent.tail()}`);
        return this.#nthRegistration(before);
      },
      'the agent to register',
      REGISTER_TIMEOUT_MS,
      () => agent.tail(),
    );
    return { agent, registeredAt };
  }

  /** Index in `received` of registration number `n` (0-based); undefined until it arrived. */
  #nthRegistration(n: number): number | undefined {
    let seen = 0;
    for (const [i, m] of this.scheduler.received.entries()) {
      if (m.kind !== 'register') continue;
      if (seen === n) return i;
      seen += 1;
    }
    return undefined;
  }

  /** The Register message at `received[index]`. */
  registrationAt(index: number): Extract<TestScheduler['received'][number], { kind: 'register' }>['registration'] {
    const message = this.scheduler.received[index];
    if (message?.kind !== 'register') throw new Error(`received[${index}] is not a registration`);
    return message.registration;
  }

  /**
   * Writes `yaml` as a stack file and loads it with a random project name (so its label is this
   * test's alone); throws with the loader's diagnostics on error.
   */
  loadStack(yaml: string): StackSpec {
    const name = `bt${randomBytes(5).toString('hex')}`;
    const dir = path.join(this.#workDir, 'projects', name);
    const file = path.join(dir, 'compose.yaml');
    // Synchronous on purpose: tests build stacks inline.
    mkdirSync(dir, { recursive: true });
    writeFileSync(file, yaml);
    const result = loadStack({ files: [file], projectName: name, env: {}, cwd: dir, home: this.#workDir });
    if (result.stack === undefined) {
      throw new Error(`stack did not load:\n${result.errors.map((d) => formatDiagnostic(d)).join('\n')}`);
    }
    this.#stacks.add(result.stack.name);
    return result.stack;
  }

  /** Task id of `service`'s replica `slot` (safe as a process-driver directory name). */
  static taskId(stack: StackSpec, service: string, slot: number): string {
    return `${stack.name}.${service}.${slot}`;
  }

  /** One assignment per replica (slots 1..n) of each service, with the resources it uses. */
  assignmentsFor(stack: StackSpec, options: AssignOptions = {}): Assignment[] {
    const names = options.services ?? Object.keys(stack.services);
    return names.flatMap((service) => {
      const spec = stack.services[service];
      if (spec === undefined) throw new Error(`stack ${stack.name} has no service ${service}`);
      const replicas = options.replicas ?? spec.deploy.replicas;
      const networks = Object.fromEntries(
        Object.keys(spec.networks).flatMap((key) => (stack.networks[key] ? [[key, stack.networks[key]]] : [])),
      );
      const volumeKeys = spec.volumes.flatMap((v) => (v.type === 'volume' && v.source !== undefined ? [v.source] : []));
      const volumes = Object.fromEntries(volumeKeys.flatMap((key) => (stack.volumes[key] ? [[key, stack.volumes[key]]] : [])));
      return Array.from({ length: replicas }, (_, i): Assignment => ({
        taskId: AgentHarness.taskId(stack, service, i + 1),
        stack: stack.name,
        service,
        slot: i + 1,
        spec,
        desired: options.desired ?? 'run',
        networks,
        volumes,
        secrets: {},
        configs: {},
      }));
    });
  }

  /** Pushes a COMPLETE set of `assignments` (next revision) to the agent; returns the mark before it. */
  push(assignments: Assignment[]): number {
    const mark = this.mark();
    this.#revision += 1;
    const streams = this.scheduler.pushAssignments({
      kind: 'complete',
      revision: this.#revision,
      assignments,
      removedTaskIds: [],
    });
    if (streams !== 1) throw new Error(`expected one agent stream to push to, found ${streams}`);
    return mark;
  }

  /** Every status received for `taskId` (registrations' task lists included) since `since`. */
  history(taskId: string, since = 0): TaskStatus[] {
    const out: TaskStatus[] = [];
    for (const m of this.scheduler.received.slice(since)) {
      const statuses = m.kind === 'statusBatch' ? m.statuses : m.kind === 'register' ? m.registration.tasks : [];
      for (const s of statuses) if (s.taskId === taskId) out.push(s);
    }
    return out;
  }

  /** The latest status of each task, from status batches and registrations since `since`. */
  latest(since = 0): Map<string, TaskStatus> {
    const map = new Map<string, TaskStatus>();
    for (const m of this.scheduler.received.slice(since)) {
      const statuses = m.kind === 'statusBatch' ? m.statuses : m.kind === 'register' ? m.registration.tasks : [];
      for (const s of statuses) map.set(s.taskId, s);
    }
    return map;
  }

  /** Waits for a status of `taskId` (since `since`) matching `predicate`; resolves with it. */
  waitForStatus(
    taskId: string,
    predicate: (s: TaskStatus) => boolean,
    what: string,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<TaskStatus> {
    return waitFor(
      () => this.history(taskId, options.since ?? 0).find(predicate),
      `${taskId}: ${what}`,
      options.timeoutMs ?? 15_000,
      () => this.#debug([taskId]),
    );
  }

  /** Waits until the LATEST status of every one of `taskIds` matches `predicate`. */
  waitForAll(
    taskIds: string[],
    predicate: (s: TaskStatus) => boolean,
    what: string,
    options: { since?: number; timeoutMs?: number } = {},
  ): Promise<Map<string, TaskStatus>> {
    return waitFor(
      () => {
        const latest = this.latest(options.since ?? 0);
        return taskIds.every((id) => {
          const s = latest.get(id);
          return s !== undefined && predicate(s);
        })
          ? latest
          : undefined;
      },
      `${taskIds.length} tasks: ${what}`,
      options.timeoutMs ?? 30_000,
      () => this.#debug(taskIds),
    );
  }

  #debug(taskIds: string[]): string {
    const latest = this.latest();
    const lines = taskIds.slice(0, 5).map((id) => {
      const s = latest.get(id);
      return s ? `  ${id}: ${s.state} health=${s.health} restarts=${s.restarts} "${s.message}"` : `  ${id}: no status`;
    });
    const agent = this.agents.at(-1);
    return `latest statuses:\n${lines.join('\n')}\nagent output:\n${agent ? agent.tail() : '(none)'}`;
  }

  /** Containers (running or not) of `stack`, by its label. */
  async containers(stack: StackSpec | string): Promise<Docker.ContainerInfo[]> {
    const docker = this.#requireDocker();
    const name = typeof stack === 'string' ? stack : stack.name;
    return docker.listContainers({ all: true, filters: { label: [`${STACK_LABEL}=${name}`] } });
  }

  /** Process-driver records (`<dataDir>/tasks/<taskId>/process.json`) by task id. */
  async processRecords(): Promise<Map<string, ProcessRecord>> {
    const dir = path.join(this.dataDir, 'tasks');
    const records = new Map<string, ProcessRecord>();
    let entries: string[];
    try {
      entries = await readdir(dir);
    } catch {
      return records;
    }
    for (const taskId of entries) {
      try {
        const parsed = JSON.parse(await readFile(path.join(dir, taskId, 'process.json'), 'utf8')) as Partial<ProcessRecord>;
        if (typeof parsed.pid === 'number' && typeof parsed.startTime === 'number') {
          records.set(taskId, { pid: parsed.pid, startTime: parsed.startTime });
        }
      } catch {
        // No record (never started) or a half-written one: nothing to clean up.
      }
    }
    return records;
  }

  /**
   * Stops the agent, then removes what its stacks left: containers and networks by stack label,
   * process-driver task groups by the pid in their records (only while the pid is still that
   * process). Then deletes the temp dirs and closes the scheduler. Tries everything, then throws.
   */
  async cleanup(): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (what: () => Promise<unknown>): Promise<void> => {
      try {
        await what();
      } catch (err) {
        failures.push(err);
      }
    };
    for (const agent of this.agents) await attempt(() => agent.stop());
    if (this.#docker !== undefined) {
      const docker = this.#docker;
      for (const name of this.#stacks) {
        const filters = { label: [`${STACK_LABEL}=${name}`] };
        await attempt(async () => {
          for (const c of await docker.listContainers({ all: true, filters })) {
            await ignore404(docker.getContainer(c.Id).remove({ force: true, v: true }));
          }
          for (const n of await docker.listNetworks({ filters })) await ignore404(docker.getNetwork(n.Id).remove());
          const volumes = (await docker.listVolumes({ filters })).Volumes ?? [];
          for (const v of volumes) await ignore404(docker.getVolume(v.Name).remove());
        });
      }
    }
    await attempt(async () => {
      for (const record of (await this.processRecords()).values()) killProcessGroup(record);
    });
    await attempt(() => rm(this.#workDir, { recursive: true, force: true }));
    await attempt(() => this.scheduler.close());
    if (failures.length > 0) throw new AggregateError(failures, 'agent harness cleanup failed');
  }

  #requireDocker(): Docker {
    if (this.#docker === undefined) throw new Error('this harness was created without a Docker client');
    return this.#docker;
  }
}

/** Field 22 of /proc/<pid>/stat (start time in clock ticks); undefined when there is no such process. */
export function procStartTime(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  // fields[0] is field 3 (state); a zombie has ended.
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const start = Number(fields[22 - 3]);
  return Number.isInteger(start) ? start : undefined;
}

/** True while `pid` is the same live process that started at `startTime`. */
export function isProcessAlive(record: ProcessRecord): boolean {
  return procStartTime(record.pid) === record.startTime;
}

/** `pid:starttime` handle id of a process task (its TaskStatus.runtimeId) → its record fields. */
export function parseProcessRuntimeId(runtimeId: string | undefined): ProcessRecord | undefined {
  const match = /^(\d+):(\d+)$/.exec(runtimeId ?? '');
  if (!match) return undefined;
  return { pid: Number(match[1]), startTime: Number(match[2]) };
}

/** SIGKILLs the process group a task leads, only if its leader is still that very process. */
function killProcessGroup(record: ProcessRecord): void {
  if (!isProcessAlive(record)) return;
  try {
    process.kill(-record.pid, 'SIGKILL');
  } catch {
    // Ended in between.
  }
}

async function ignore404(promise: Promise<unknown>): Promise<void> {
  try {
    await promise;
  } catch (err) {
    const status = (err as { statusCode?: unknown }).statusCode;
    if (status !== 404 && status !== 409) throw err;
  }
}
