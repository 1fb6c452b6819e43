/**
 * End-to-end helpers for tests that drive the real `berth` binary against a `berth daemon`
 * they start themselves on a temp data dir, and look at the real Docker engine with the
 * `docker` CLI:
 *
 *   test ── berth(args) ──unix socket (BERTH_HOST)──▶ berth daemon (temp data dir) ──▶ Docker
 *        └─ docker ps/inspect/network ls/volume ls --filter label=io.berth.stack=<unique> ──┘
 *
 * Everything a test touches is selected by its unique stack name (`io.berth.stack=<name>`) or
 * by the pid of a process it spawned; nothing is ever matched by name.
 */
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { AgentProcess, BERTH_BIN, sleep, STACK_LABEL } from './agent-harness.js';
import { REPO_ROOT } from './shared.js';

/** One finished berth (or docker) run. */
export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A task as `berth ps --format json` prints it. */
export interface PsTask {
  id: string;
  stack: string;
  service: string;
  slot: number;
  node: string | null;
  state: string;
  health: string;
  restarts: number;
  exitCode: number | null;
  message: string;
}

/** A container of a stack as `docker inspect` tells it. */
export interface StackContainer {
  id: string;
  task: string;
  service: string;
  running: boolean;
  startedAt: string;
}

const BERTH_RUN_TIMEOUT_MS = 90_000;
const DOCKER_RUN_TIMEOUT_MS = 30_000;
const DAEMON_READY_TIMEOUT_MS = 30_000;

/** A stack name no other run uses, so its label selects only what this test made. */
export function uniqueStackName(prefix: string): string {
  return `${prefix}${randomBytes(4).toString('hex')}`;
}

/** A TCP port free on 127.0.0.1 right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * Polls `check` every `intervalMs` until it returns something truthy, at most `timeoutMs`;
 * `context` says what was last seen when it times out.
 */
export async function until<T>(
  check: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  what: string,
  timeoutMs: number,
  context: () => string = () => '',
  intervalMs = 250,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== null && value !== false) return value;
    if (Date.now() > deadline) {
      const extra = context();
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${extra ? `\n${extra}` : ''}`);
    }
    await sleep(intervalMs);
  }
}

/** Runs a command without blocking the event loop (the daemon's output must keep flowing). */
function run(file: string, args: string[], env: NodeJS.ProcessEnv, timeoutMs: number): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn(file, args, { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
}

/** `docker <args>`; throws with its stderr unless it exits 0. */
export function docker(args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile('docker', args, { timeout: DOCKER_RUN_TIMEOUT_MS, maxBuffer: 16 << 20 }, (error, stdout, stderr) => {
      if (error) reject(new Error(`docker ${args.join(' ')} failed: ${stderr || error.message}`));
      else resolve(stdout);
    });
  });
}

function lines(text: string): string[] {
  return text.split('\n').map((l) => l.trim()).filter((l) => l !== '');
}

/** What is labelled `io.berth.stack=<stack>` on the engine, by kind (containers: running or not). */
export async function stackObjects(stack: string): Promise<{ containers: string[]; networks: string[]; volumes: string[] }> {
  const filter = ['--filter', `label=${STACK_LABEL}=${stack}`];
  const [containers, networks, volumes] = await Promise.all([
    docker(['ps', '-a', '-q', '--no-trunc', ...filter]),
    docker(['network', 'ls', '-q', ...filter]),
    docker(['volume', 'ls', '-q', ...filter]),
  ]);
  return { containers: lines(containers), networks: lines(networks), volumes: lines(volumes) };
}

/** Every container of `stack` (running or not), inspected. */
export async function stackContainers(stack: string): Promise<StackContainer[]> {
  const ids = lines(await docker(['ps', '-a', '-q', '--no-trunc', '--filter', `label=${STACK_LABEL}=${stack}`]));
  if (ids.length === 0) return [];
  const inspected = JSON.parse(await docker(['inspect', ...ids])) as Array<{
    Id: string;
    State: { Running: boolean; StartedAt: string };
    Config: { Labels: Record<string, string> };
  }>;
  return inspected
    .map((c) => ({
      id: c.Id,
      task: c.Config.Labels['io.berth.task'] ?? '',
      service: c.Config.Labels['io.berth.service'] ?? '',
      running: c.State.Running,
      startedAt: c.State.StartedAt,
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

/** Ids of the containers (running or not) labelled `io.berth.task=<taskId>` within `stack`. */
export async function taskContainerIds(stack: string, taskId: string, runningOnly = false): Promise<string[]> {
  const out = await docker([
    'ps',
    ...(runningOnly ? [] : ['-a']),
    '-q',
    '--no-trunc',
    '--filter',
    `label=${STACK_LABEL}=${stack}`,
    '--filter',
    `label=io.berth.task=${taskId}`,
  ]);
  return lines(out);
}

/**
 * Removes whatever a failed test left of `stack` (containers forced, then networks, then
 * volumes), selected by its unique label only.
 */
export async function removeStackObjects(stack: string): Promise<void> {
  const failures: unknown[] = [];
  const attempt = async (what: () => Promise<unknown>): Promise<void> => {
    try {
      await what();
    } catch (error) {
      failures.push(error);
    }
  };
  const left = await stackObjects(stack);
  if (left.containers.length > 0) await attempt(() => docker(['rm', '-f', '-v', ...left.containers]));
  for (const n of left.networks) await attempt(() => docker(['network', 'rm', n]));
  if (left.volumes.length > 0) await attempt(() => docker(['volume', 'rm', ...left.volumes]));
  if (failures.length > 0) throw new AggregateError(failures, `cleanup of ${STACK_LABEL}=${stack} left objects behind`);
}

/**
 * A temp dir holding one daemon's data dir, the environment that reaches that daemon
 * (BERTH_HOST) and never a default one (XDG_STATE_HOME, HOME inside the temp dir), and the
 * daemon processes started on it.
 */
export class BerthDaemonDir {
  readonly root: string;
  readonly dataDir: string;
  readonly env: NodeJS.ProcessEnv;
  /** Every daemon process started on this dir, oldest first. */
  readonly daemons: AgentProcess[] = [];

  private constructor(root: string) {
    this.root = root;
    this.dataDir = path.join(root, 'daemon');
    this.env = {
      PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: root,
      NO_COLOR: '1',
      XDG_STATE_HOME: path.join(root, 'xdg'),
      BERTH_HOST: `unix://${path.join(root, 'daemon', 'control.sock')}`,
      ...(process.env['DOCKER_HOST'] ? { DOCKER_HOST: process.env['DOCKER_HOST'] } : {}),
    };
  }

  /** A fresh temp dir; no daemon yet. */
  static async create(prefix: string): Promise<BerthDaemonDir> {
    const root = await mkdtemp(path.join(tmpdir(), prefix));
    await mkdir(path.join(root, 'xdg'), { recursive: true });
    return new BerthDaemonDir(root);
  }

  /** The newest daemon process. */
  get daemon(): AgentProcess {
    const d = this.daemons.at(-1);
    if (d === undefined) throw new Error('no daemon started yet');
    return d;
  }

  /** Starts `berth daemon` on this dir and waits until its control socket is up and its agent registered. */
  async startDaemon(): Promise<AgentProcess> {
    const daemon = new AgentProcess(['daemon', '--data-dir', this.dataDir, '--heartbeat-period', '200ms'], this.env);
    this.daemons.push(daemon);
    await until(
      () => {
        if (!daemon.running) throw new Error(`berth daemon exited:\n${daemon.tail()}`);
        return /daemon: ready/.test(daemon.output) && /scheduler: node \S+ registered/.test(daemon.output);
      },
      'the daemon to be up and its agent registered',
      DAEMON_READY_TIMEOUT_MS,
      () => daemon.tail(),
      50,
    );
    return daemon;
  }

  /** Runs `berth <args>` against this dir's daemon. */
  berth(args: string[], extraEnv: NodeJS.ProcessEnv = {}): Promise<Run> {
    return run(process.execPath, [BERTH_BIN, ...args], { ...this.env, ...extraEnv }, BERTH_RUN_TIMEOUT_MS);
  }

  /** `berth ps -p <stack> --format json`; throws unless it succeeds. */
  async ps(stack: string): Promise<PsTask[]> {
    const r = await this.berth(['ps', '-p', stack, '--format', 'json']);
    if (r.status !== 0) throw new Error(`berth ps failed (${r.status}): ${r.stderr}`);
    return JSON.parse(r.stdout) as PsTask[];
  }

  /** The newest daemon's last lines, for failure messages. */
  tail(lines = 40): string {
    const d = this.daemons.at(-1);
    return d ? `daemon output:\n${d.tail(lines)}` : '(no daemon)';
  }

  /**
   * Best effort for a failed test: `berth down -v` of each stack while a daemon runs, then stops
   * every daemon this dir started (by its pid), removes what is still labelled with the stacks,
   * and deletes the temp dir. Tries everything, then throws what failed.
   */
  async cleanup(stacks: string[]): Promise<void> {
    const failures: unknown[] = [];
    const attempt = async (what: () => Promise<unknown>): Promise<void> => {
      try {
        await what();
      } catch (error) {
        failures.push(error);
      }
    };
    const live = this.daemons.at(-1);
    if (live?.running) {
      for (const stack of stacks) await attempt(() => this.berth(['down', '-v', '-p', stack, '--timeout', '2']));
    }
    for (const d of this.daemons) await attempt(() => d.stop());
    for (const stack of stacks) await attempt(() => removeStackObjects(stack));
    await attempt(() => rm(this.root, { recursive: true, force: true }));
    if (failures.length > 0) throw new AggregateError(failures, 'e2e cleanup failed');
  }
}
