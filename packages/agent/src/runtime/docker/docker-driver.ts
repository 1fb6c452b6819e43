/**
 * The docker runtime driver: one task = one container, created from the pure
 * {@link containerSpec} mapping. A crashed task is restarted by starting the SAME container
 * again (`previous`), which skips image resolution, create and network setup, so it comes
 * back much faster than a recreate would. Every failure becomes a BerthError.
 */
import { constants } from 'node:os';
import type Docker from 'dockerode';
import type {
  DriverAvailability,
  ExecResult,
  ExitResult,
  LogEntry,
  LogOptions,
  RecoveredWorkload,
  RuntimeDriver,
  StackCleanupReport,
  TaskDescriptor,
  WorkloadHandle,
} from '../runtime.js';
import { containerLogs } from './container-logs.js';
import { recoverContainers } from './container-recovery.js';
import { containerSpec, endpointSettings, type ContainerPlan } from './container-spec.js';
import { createDockerClient, pingDocker } from './docker-client.js';
import { engineLocation, engineMessage, engineStatus, portTakenError, takenPortAddress, toBerthError } from './docker-errors.js';
import { isNetworkRace } from './duplicate-networks.js';
import { BERTH_LABELS } from './engine-names.js';
import { runExecProbe } from './exec-probe.js';
import { exitResultOf } from './exit-result.js';
import { ensureImage } from './image-provider.js';
import { cleanupStackResources } from './stack-cleanup.js';
import { StackResources } from './stack-resources.js';

/** How the driver reaches its engine. */
export interface DockerDriverOptions {
  /** A client to use; default: one for `env`'s `DOCKER_HOST`. */
  docker?: Docker;
  /** Environment `DOCKER_HOST` is read from (also for messages); default: process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long `detect` waits for the engine to answer; default 2 s. */
  detectTimeoutMs?: number;
}

const DEFAULT_DETECT_TIMEOUT_MS = 2_000;

/** Runs tasks as containers of the local (or `DOCKER_HOST`) Docker engine. */
export class DockerDriver implements RuntimeDriver {
  /** Always `docker`. */
  readonly name = 'docker' as const;
  private readonly docker: Docker;
  private readonly where: string;
  private readonly detectTimeoutMs: number;
  private readonly resources: StackResources;
  /** Aborted by `close()`: ends the long-polling wait requests, which would keep the agent alive. */
  private readonly closing = new AbortController();

  /** Connects lazily: nothing talks to the engine until the first call. */
  constructor(options: DockerDriverOptions = {}) {
    const env = options.env ?? process.env;
    this.docker = options.docker ?? createDockerClient(env);
    this.where = engineLocation(env);
    this.detectTimeoutMs = options.detectTimeoutMs ?? DEFAULT_DETECT_TIMEOUT_MS;
    this.resources = new StackResources(this.docker, this.where);
  }

  /** Pings the engine: its version, or why it cannot be used. Never throws. */
  async detect(): Promise<DriverAvailability> {
    const ping = await pingDocker(this.docker, this.detectTimeoutMs);
    return ping.ok
      ? { driver: 'docker', available: true, message: ping.version }
      : { driver: 'docker', available: false, message: ping.reason };
  }

  /** Image per pull policy, then the stack networks and volumes, all at once. */
  async prepare(task: TaskDescriptor, signal?: AbortSignal): Promise<void> {
    const results = await Promise.allSettled([
      ensureImage(this.docker, task, this.where, signal),
      this.resources.ensureFor(task),
    ]);
    for (const result of results) if (result.status === 'rejected') throw toBerthError(result.reason, 'preparing', this.where);
  }

  /** Starts `previous` again when it still exists, else creates and starts a new container. */
  async start(task: TaskDescriptor, previous?: WorkloadHandle): Promise<WorkloadHandle> {
    if (previous && previous.driver === 'docker' && previous.ref.taskId === task.ref.taskId) {
      const restarted = await this.restartInPlace(previous);
      if (restarted) return restarted;
    }
    try {
      return await this.createAndStart(task);
    } catch (err) {
      // Agents sharing the engine raced over a stack network (duplicate-networks.ts): settle, then once more.
      if (!isNetworkRace(err)) throw err;
      await this.resources.ensureFor(task);
      return this.createAndStart(task);
    }
  }

  /** A new container for `task`, created and started; removed again when it cannot start. */
  private async createAndStart(task: TaskDescriptor): Promise<WorkloadHandle> {
    const plan = containerSpec(task);
    const container = await this.create(plan, task);
    try {
      for (const attachment of plan.laterNetworks) {
        await this.docker.getNetwork(attachment.network).connect({ Container: container.id, EndpointConfig: endpointSettings(attachment) });
      }
      await container.start();
    } catch (err) {
      // A container that never ran is useless to retry with; do not leave it behind.
      await container.remove({ force: true, v: true }).catch(() => undefined);
      throw this.startError(err, `starting container ${plan.name}`, plan);
    }
    return { driver: 'docker', id: container.id, ref: task.ref, startedAt: Date.now() };
  }

  /** Resolves with how the container ended, as soon as it is not running. */
  async wait(handle: WorkloadHandle): Promise<ExitResult> {
    const container = this.docker.getContainer(handle.id);
    const doing = `waiting for container ${short(handle.id)}`;
    let statusCode: number;
    try {
      const waited = (await container.wait({ condition: 'not-running', abortSignal: this.closing.signal })) as { StatusCode: number };
      statusCode = waited.StatusCode;
    } catch (err) {
      throw toBerthError(err, doing, this.where);
    }
    try {
      const info = await container.inspect();
      return exitResultOf(info.State, Date.now(), statusCode);
    } catch (err) {
      // Removed right after exiting: the wait API's code is all there is.
      if (engineStatus(err) === 404) return { exitCode: statusCode, oomKilled: false, finishedAt: Date.now() };
      throw toBerthError(err, doing, this.where);
    }
  }

  /**
   * Sends `signal` (when the container's own stop signal differs), then the engine's stop with
   * the grace in whole seconds (rounded up, never shorter), which kills after it.
   */
  async stop(handle: WorkloadHandle, options: { signal: string; graceMs: number }): Promise<void> {
    const container = this.docker.getContainer(handle.id);
    const doing = `stopping container ${short(handle.id)}`;
    try {
      const info = await container.inspect();
      if (!info.State.Running) return;
      // @types/dockerode's inspect Config lacks StopSignal, which the engine does return.
      const own = (info.Config as { StopSignal?: string }).StopSignal || 'SIGTERM';
      if (options.graceMs > 0 && options.graceMs < 1000) {
        // The engine counts stop grace in whole seconds; a fence (500 ms) must not take a second.
        await stopWithin(container, options.signal, options.graceMs);
        return;
      }
      if (signalNumber(options.signal) !== signalNumber(own)) {
        await container.kill({ signal: options.signal });
      }
      await container.stop({ t: Math.max(0, Math.ceil(options.graceMs / 1000)) });
      await container.wait({ condition: 'not-running' });
    } catch (err) {
      // Gone, or stopped under our feet (304 from stop, 409 from kill): it is not running.
      const status = engineStatus(err);
      if (status === 404 || status === 304 || status === 409) return;
      throw toBerthError(err, doing, this.where);
    }
  }

  /** Force-removes the container and its anonymous volumes; gone already is fine. */
  async remove(handle: WorkloadHandle): Promise<void> {
    try {
      await this.docker.getContainer(handle.id).remove({ force: true, v: true });
    } catch (err) {
      // 409: a removal is already in progress.
      const status = engineStatus(err);
      if (status === 404 || status === 409) return;
      throw toBerthError(err, `removing container ${short(handle.id)}`, this.where);
    }
  }

  /** Runs a health-check command inside the container. */
  exec(handle: WorkloadHandle, test: string[], timeoutMs: number): Promise<ExecResult> {
    return runExecProbe(this.docker.getContainer(handle.id), test, timeoutMs, this.where);
  }

  /** The container's output, demultiplexed, one entry per line. */
  logs(handle: WorkloadHandle, options: LogOptions): AsyncIterable<LogEntry> {
    return containerLogs(this.docker.getContainer(handle.id), options, this.where);
  }

  /**
   * Lets go of the engine at agent shutdown: pending `wait()`s reject (their runners are detached
   * by then), so no open request keeps the process alive. Containers are not touched.
   */
  close(): void {
    this.closing.abort();
  }

  /** The stack's unused berth-made networks, and named volumes with `removeVolumes`; see stack-cleanup.ts. */
  cleanupStack(stack: string, options: { removeVolumes: boolean }): Promise<StackCleanupReport> {
    return cleanupStackResources(this.docker, stack, options, this.where);
  }

  /** Containers labelled with `nodeId`; restart counts are the agent's to persist. */
  recover(nodeId: string): Promise<RecoveredWorkload[]> {
    return recoverContainers(this.docker, nodeId, this.where);
  }

  /** `docker start` on the existing container; undefined when it no longer exists. */
  private async restartInPlace(previous: WorkloadHandle): Promise<WorkloadHandle | undefined> {
    try {
      await this.docker.getContainer(previous.id).start();
    } catch (err) {
      const status = engineStatus(err);
      if (status === 404) return undefined;
      // 304: already running (a second start raced ours); the container is what was asked for.
      if (status !== 304) throw this.startError(err, `restarting container ${short(previous.id)}`);
    }
    return { ...previous, startedAt: Date.now() };
  }

  /** Creates the container; a leftover of the same task on this node (agent died after create) is replaced. */
  private async create(plan: ContainerPlan, task: TaskDescriptor): Promise<Docker.Container> {
    for (let attempt = 0; ; attempt += 1) {
      try {
        return await this.docker.createContainer(plan.create);
      } catch (err) {
        if (engineStatus(err) !== 409 || attempt > 0 || !(await this.removeLeftover(plan.name, task.ref))) {
          throw toBerthError(err, `creating container ${plan.name}`, this.where);
        }
      }
    }
  }

  /**
   * Removes the container named `name` if it is `ref`'s task on `ref`'s node; true if it did.
   * Agents sharing an engine each touch only containers labelled with their own node id.
   */
  private async removeLeftover(name: string, ref: TaskDescriptor['ref']): Promise<boolean> {
    try {
      const existing = this.docker.getContainer(name);
      const info = await existing.inspect();
      const labels = info.Config.Labels ?? {};
      if (labels[BERTH_LABELS.task] !== ref.taskId || labels[BERTH_LABELS.node] !== ref.nodeId) return false;
      await this.docker.getContainer(info.Id).remove({ force: true, v: true });
      return true;
    } catch {
      return false;
    }
  }

  /** A start failure; a taken port names the address even when the engine did not. */
  private startError(err: unknown, doing: string, plan?: ContainerPlan): Error {
    const address = takenPortAddress(engineMessage(err));
    if (address === '') return portTakenError(publishedAddresses(plan), err);
    return toBerthError(err, doing, this.where);
  }
}

/** `host:port` of every fixed published port of a plan, for messages. */
function publishedAddresses(plan: ContainerPlan | undefined): string {
  const bindings = (plan?.create.HostConfig?.PortBindings ?? {}) as Record<string, { HostIp: string; HostPort: string }[]>;
  return Object.values(bindings)
    .flat()
    .filter((b) => b.HostPort !== '')
    .map((b) => `${b.HostIp || '0.0.0.0'}:${b.HostPort}`)
    .join(', ');
}

/** Signals compare by number: `TERM`, `SIGTERM` and `15` are the same. */
function signalNumber(signal: string): number | string {
  const upper = signal.trim().toUpperCase();
  if (/^\d+$/.test(upper)) return Number(upper);
  const name = (upper.startsWith('SIG') ? upper : `SIG${upper}`) as keyof typeof constants.signals;
  return constants.signals[name] ?? upper;
}

function short(id: string): string {
  return id.slice(0, 12);
}

/** Sends `signal`, waits up to `graceMs` for the container to exit, then kills it. */
async function stopWithin(container: Docker.Container, signal: string, graceMs: number): Promise<void> {
  const exited = container.wait({ condition: 'not-running' }).then(() => true);
  // Settled either way below; a failed wait must not become an unhandled rejection meanwhile.
  exited.catch(() => undefined);
  await container.kill({ signal });
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), graceMs);
  });
  const inTime = await Promise.race([exited, timedOut]).finally(() => clearTimeout(timer));
  if (inTime) return;
  try {
    await container.kill({ signal: 'SIGKILL' });
  } catch (err) {
    // It exited between the timer and the kill.
    if (engineStatus(err) !== 409 && engineStatus(err) !== 304) throw err;
  }
  await exited;
}
