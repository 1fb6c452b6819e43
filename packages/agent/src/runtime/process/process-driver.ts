/**
 * The process runtime driver: runs `x-berth: {driver: process}` services as plain host
 * processes, berth's default on machines without Docker.
 *
 * Each task gets `<dataDir>/tasks/<taskId>/` with `process.json` (see task-record.ts) and its
 * `stdout.log` / `stderr.log`. Processes run in their own process group, detached from the
 * agent, so they survive an agent restart (even `kill -9`); `recover` re-adopts them by pid and
 * start time. Exits of our own children come from the `exit` event; a re-adopted process is not
 * our child, so its end is seen by polling /proc every `pollIntervalMs` (default 100 ms, a
 * cheap read) and its exit code is unknown. As in a container, the task is the whole group:
 * `stop` signals the group, and once the leader ends, whatever it left in its group is killed.
 */
import { mkdir, rm, stat } from 'node:fs/promises';
import { BerthError } from '@berth/api';
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
  TaskRef,
  WorkloadHandle,
} from '../runtime.js';
import { formatHandleId, parseHandleId, type ProcessIdentity } from './handle-id.js';
import { healthCheckArgv, runHealthCheck, type ExecContext } from './health-exec.js';
import { planLaunch } from './launch-plan.js';
import { removeLeftoverTaskFiles } from './leftover-task-files.js';
import { readTaskLogs } from './log-reader.js';
import { DEFAULT_LOG_MAX_BYTES, rotateLogIfOver } from './log-rotation.js';
import { readProcessLaunchContext } from './proc-environ.js';
import { isSameProcessAlive } from './proc-stat.js';
import { buildProcessEnvironment } from './process-environment.js';
import { killGroupQuietly, spawnTaskProcess } from './process-spawn.js';
import { stopProcessGroup } from './process-stop.js';
import { parseSignal } from './signal-names.js';
import { listTaskIds, readTaskRecord, taskPaths, type TaskPaths, type TaskRecord } from './task-record.js';
import { TaskRecordWriter } from './task-record-writer.js';

/** Settings of a process driver. */
export interface ProcessDriverOptions {
  /** The agent's data directory; task files live under `<dataDir>/tasks/`. */
  dataDir: string;
  /** A log file larger than this is rotated to `.1` (default 10 MiB). */
  logMaxBytes?: number;
  /** How often log sizes are checked (default 5 s). */
  rotateIntervalMs?: number;
  /** How often a re-adopted process is checked for having ended (default 100 ms). */
  pollIntervalMs?: number;
  /** How often followed logs are checked for new output (default 250 ms). */
  logPollMs?: number;
  /** The agent's environment, source of PATH/HOME/LANG and of null service values. */
  agentEnv?: Readonly<Record<string, string | undefined>>;
}

/** Message of an exit the agent could not observe. */
export const ENDED_WHILE_AGENT_DOWN = 'process ended while the agent was down; its exit code is unknown';
/** Message of a re-adopted process's exit (it is not our child, so its status is not ours to read). */
export const ENDED_AFTER_READOPTION =
  'process ended after the agent re-adopted it; its exit code is unknown (it was started by an earlier agent run)';

/** One workload the driver knows: its own child, a re-adopted process, or a finished one. */
interface Watched {
  identity: ProcessIdentity;
  ref: TaskRef;
  paths: TaskPaths;
  /** Set at start for children; created on demand (polling /proc) for re-adopted processes. */
  exit?: Promise<ExitResult>;
  /** Known once the process has ended. */
  result?: ExitResult;
  context?: ExecContext;
}

/** Runs tasks as host processes. Call `close()` when the agent shuts down. */
export class ProcessDriver implements RuntimeDriver {
  readonly name = 'process' as const;
  private readonly dataDir: string;
  private readonly logMaxBytes: number;
  private readonly rotateIntervalMs: number;
  private readonly pollIntervalMs: number;
  private readonly logPollMs: number;
  private readonly agentEnv: Readonly<Record<string, string | undefined>>;
  private readonly agentUid = process.getuid?.() ?? 0;
  private readonly watched = new Map<string, Watched>();
  private readonly starting = new Set<string>();
  private readonly records = new TaskRecordWriter();
  private rotationTimer: NodeJS.Timeout | undefined;
  private rotating = false;

  constructor(options: ProcessDriverOptions) {
    this.dataDir = options.dataDir;
    this.logMaxBytes = options.logMaxBytes ?? DEFAULT_LOG_MAX_BYTES;
    this.rotateIntervalMs = options.rotateIntervalMs ?? 5_000;
    this.pollIntervalMs = options.pollIntervalMs ?? 100;
    this.logPollMs = options.logPollMs ?? 250;
    this.agentEnv = options.agentEnv ?? process.env;
  }

  /** Always available on Linux (it needs /proc); the message names the platform. */
  detect(): Promise<DriverAvailability> {
    const available = process.platform === 'linux';
    const message = available
      ? `${process.platform} ${process.arch}`
      : `the process driver needs Linux (/proc); this is ${process.platform}`;
    return Promise.resolve({ driver: this.name, available, message });
  }

  /** Checks the command, working directory and user can be used, without starting anything. */
  async prepare(task: TaskDescriptor): Promise<void> {
    taskPaths(this.dataDir, task.ref.taskId);
    await planLaunch(task, this.agentEnv, this.agentUid);
  }

  /** Starts the task as a new process (a process cannot be restarted in place). */
  async start(task: TaskDescriptor, previous?: WorkloadHandle): Promise<WorkloadHandle> {
    const { ref } = task;
    const paths = taskPaths(this.dataDir, ref.taskId);
    if (this.starting.has(ref.taskId)) {
      throw new BerthError('CONFLICT', `task ${ref.taskId} is already being started`);
    }
    this.starting.add(ref.taskId);
    try {
      const plan = await planLaunch(task, this.agentEnv, this.agentUid);
      await mkdir(paths.dir, { recursive: true, mode: 0o700 });
      const old = await readTaskRecord(paths.record);
      if (old && (await isSameProcessAlive(old.pid, old.startTime))) {
        throw new BerthError('CONFLICT', `task ${ref.taskId} is already running as pid ${old.pid}`, {
          context: { taskId: ref.taskId, pid: old.pid },
        });
      }
      // Logs are also capped here, so a crash-looping task cannot grow them between checks.
      await Promise.all([paths.stdout, paths.stderr].map((p) => rotateLogIfOver(p, this.logMaxBytes)));
      const spawned = await spawnTaskProcess(plan, paths);
      const startedAt = Date.now();
      const record: TaskRecord = {
        ...spawned.identity,
        ref,
        argv: plan.argv,
        cwd: plan.cwd,
        ...(plan.uid === undefined ? {} : { uid: plan.uid, gid: plan.gid }),
        startedAt,
        restarts: old?.restarts ?? 0,
      };
      // Written before anything can observe the exit, so ended() finds this record.
      try {
        await this.records.write(paths.record, record);
      } catch (err) {
        // Without its record the process could never be re-adopted: do not leave it running.
        killGroupQuietly(spawned.identity.pid, 'SIGKILL');
        throw new BerthError('UNAVAILABLE', `cannot write ${paths.record}: ${(err as Error).message}`, {
          cause: err,
        });
      }
      const watched: Watched = {
        identity: spawned.identity,
        ref,
        paths,
        context: { cwd: plan.cwd, env: plan.env, uid: plan.uid, gid: plan.gid },
      };
      watched.exit = spawned.exit.then((result) => this.ended(watched, result));
      if (previous !== undefined && previous.id !== formatHandleId(spawned.identity)) {
        this.forgetIfEnded(previous.id);
      }
      this.watch(watched);
      return { driver: this.name, id: formatHandleId(spawned.identity), ref, startedAt };
    } finally {
      this.starting.delete(ref.taskId);
    }
  }

  /** Resolves with how the process ended (exit code -1 when it was not ours to observe). */
  async wait(handle: WorkloadHandle): Promise<ExitResult> {
    return this.exitOf(await this.lookUp(handle));
  }

  /** Sends `signal` to the task's process group, SIGKILLs it after `graceMs`, waits for the end. */
  async stop(handle: WorkloadHandle, options: { signal: string; graceMs: number }): Promise<void> {
    const signal = parseSignal(options.signal);
    if (signal === undefined) {
      throw new BerthError('USAGE', `unknown stop signal "${options.signal}"`, {
        context: { signal: options.signal },
      });
    }
    const watched = await this.lookUp(handle);
    if (watched.result !== undefined) return;
    await stopProcessGroup(watched.identity.pid, signal.name, options.graceMs, this.exitOf(watched));
  }

  /** Deletes the task's files; refuses while its process still runs. */
  async remove(handle: WorkloadHandle): Promise<void> {
    const identity = parseHandleId(handle.id);
    if (await isSameProcessAlive(identity.pid, identity.startTime)) {
      throw new BerthError('CONFLICT', `process ${handle.id} of task ${handle.ref.taskId} is still running; stop it first`, {
        context: { id: handle.id, taskId: handle.ref.taskId },
      });
    }
    this.watched.delete(handle.id);
    const paths = taskPaths(this.dataDir, handle.ref.taskId);
    const record = await readTaskRecord(paths.record);
    // After a restart the directory belongs to the task's newer process: leave it alone.
    if (record && formatHandleId(record) !== handle.id && (await isSameProcessAlive(record.pid, record.startTime))) {
      return;
    }
    await this.records.idle(paths.record);
    await rm(paths.dir, { recursive: true, force: true });
  }

  /** Runs a health check beside the task, with the task's cwd, environment and user. */
  async exec(handle: WorkloadHandle, test: string[], timeoutMs: number): Promise<ExecResult> {
    const argv = healthCheckArgv(test);
    const watched = await this.lookUp(handle);
    return runHealthCheck(argv, await this.contextOf(watched), timeoutMs);
  }

  /** The task's stdout/stderr from its log files; see log-reader.ts for ordering limits. */
  async *logs(handle: WorkloadHandle, options: LogOptions): AsyncIterable<LogEntry> {
    const identity = parseHandleId(handle.id);
    const paths = taskPaths(this.dataDir, handle.ref.taskId);
    if (!(await stat(paths.dir).catch(() => undefined))) {
      throw new BerthError('NOT_FOUND', `no logs for task ${handle.ref.taskId} (removed or never started)`, {
        context: { taskId: handle.ref.taskId },
      });
    }
    const control = {
      isRunning: () => isSameProcessAlive(identity.pid, identity.startTime),
      pollMs: this.logPollMs,
    };
    yield* readTaskLogs(paths, options, control);
  }

  /** Finds this node's task records: live processes are re-adopted, the rest reported exited. */
  async recover(nodeId: string): Promise<RecoveredWorkload[]> {
    const found: RecoveredWorkload[] = [];
    for (const taskId of await listTaskIds(this.dataDir)) {
      let paths: TaskPaths;
      try {
        paths = taskPaths(this.dataDir, taskId);
      } catch {
        continue; // not a directory this driver made
      }
      const record = await readTaskRecord(paths.record);
      if (record === undefined || record.ref.nodeId !== nodeId) continue;
      const id = formatHandleId(record);
      const handle: WorkloadHandle = { driver: this.name, id, ref: record.ref, startedAt: record.startedAt };
      const watched = await this.lookUp(handle);
      found.push(
        watched.result === undefined
          ? { handle, state: 'running', restarts: record.restarts }
          : { handle, state: 'exited', exit: watched.result, restarts: record.restarts },
      );
    }
    return found;
  }

  /** Stores the restart count in the task's record. */
  async recordRestarts(handle: WorkloadHandle, restarts: number): Promise<void> {
    const paths = taskPaths(this.dataDir, handle.ref.taskId);
    await this.records.update(paths.record, parseHandleId(handle.id), (r) => ({ ...r, restarts }));
  }

  /**
   * Processes have no networks or volumes; what a removed stack can leave is task directories
   * whose removal failed. Those no process and no known workload uses are deleted; see
   * leftover-task-files.ts. `removeVolumes` changes nothing (bind mounts are the user's files).
   */
  cleanupStack(stack: string): Promise<StackCleanupReport> {
    return removeLeftoverTaskFiles(stack, {
      dataDir: this.dataDir,
      inUse: (handleId, taskId) => this.watched.has(handleId) || this.starting.has(taskId),
      idle: (path) => this.records.idle(path),
    });
  }

  /** Stops the log rotation timer. Running tasks are unaffected. */
  close(): void {
    clearInterval(this.rotationTimer);
    this.rotationTimer = undefined;
  }

  /** The known workload for `handle`, re-adopting or settling one this run did not start. */
  private async lookUp(handle: WorkloadHandle): Promise<Watched> {
    const known = this.watched.get(handle.id);
    if (known !== undefined) return known;
    const identity = parseHandleId(handle.id);
    const paths = taskPaths(this.dataDir, handle.ref.taskId);
    const watched: Watched = { identity, ref: handle.ref, paths };
    if (!(await isSameProcessAlive(identity.pid, identity.startTime))) {
      const record = await readTaskRecord(paths.record);
      const recorded = record && formatHandleId(record) === handle.id ? record.exit : undefined;
      watched.result = recorded ?? {
        exitCode: -1,
        oomKilled: false,
        finishedAt: Date.now(),
        message: ENDED_WHILE_AGENT_DOWN,
      };
      watched.exit = Promise.resolve(watched.result);
    }
    // Another caller may have looked it up meanwhile; keep the first.
    const raced = this.watched.get(handle.id);
    if (raced !== undefined) return raced;
    this.watch(watched);
    return watched;
  }

  private watch(watched: Watched): void {
    this.watched.set(formatHandleId(watched.identity), watched);
    if (watched.result === undefined && this.rotationTimer === undefined) {
      this.rotationTimer = setInterval(() => void this.rotateLogs(), this.rotateIntervalMs);
      this.rotationTimer.unref();
    }
  }

  private exitOf(watched: Watched): Promise<ExitResult> {
    watched.exit ??= this.pollUntilEnded(watched);
    return watched.exit;
  }

  /** Waits for a process that is not our child to end, by polling /proc. */
  private async pollUntilEnded(watched: Watched): Promise<ExitResult> {
    const { pid, startTime } = watched.identity;
    while (await isSameProcessAlive(pid, startTime)) {
      await new Promise((resolve) => setTimeout(resolve, this.pollIntervalMs).unref());
    }
    return this.ended(watched, {
      exitCode: -1,
      oomKilled: false,
      finishedAt: Date.now(),
      message: ENDED_AFTER_READOPTION,
    });
  }

  /** Bookkeeping once a task's process has ended; resolves with `result`. */
  private async ended(watched: Watched, result: ExitResult): Promise<ExitResult> {
    // Like a container's init dying: whatever the leader left in its group goes too.
    killGroupQuietly(watched.identity.pid, 'SIGKILL');
    watched.result = result;
    await this.records.update(watched.paths.record, watched.identity, (r) => ({ ...r, exit: result }));
    return result;
  }

  private forgetIfEnded(id: string): void {
    if (this.watched.get(id)?.result !== undefined) this.watched.delete(id);
  }

  private async contextOf(watched: Watched): Promise<ExecContext> {
    if (watched.context !== undefined) return watched.context;
    const record = await readTaskRecord(watched.paths.record);
    const owned = record && formatHandleId(record) === formatHandleId(watched.identity) ? record : undefined;
    const live = await readProcessLaunchContext(watched.identity.pid);
    // The live process's own cwd/env when /proc lets us read them, else a best effort.
    const context: ExecContext = {
      cwd: live?.cwd ?? owned?.cwd ?? '/',
      env: live?.env ?? buildProcessEnvironment(this.agentEnv, {}),
      uid: owned?.uid,
      gid: owned?.gid,
    };
    if (live !== undefined) watched.context = context;
    return context;
  }

  private async rotateLogs(): Promise<void> {
    if (this.rotating) return;
    this.rotating = true;
    try {
      for (const watched of this.watched.values()) {
        if (watched.result !== undefined) continue;
        for (const path of [watched.paths.stdout, watched.paths.stderr]) {
          await rotateLogIfOver(path, this.logMaxBytes).catch(() => false);
        }
      }
    } finally {
      this.rotating = false;
    }
  }
}
