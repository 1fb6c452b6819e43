/**
 * The agent's one runtime seam. A driver (docker, process) turns a task descriptor into a
 * running workload and reports how it ends; the task runner above it owns restarts, health
 * and state. Drivers never decide policy; they do one operation and say how it went.
 *
 *   task runner ── prepare ─▶ start ─▶ wait ══▶ exit result ─▶ (restart policy) ─▶ start …
 *                  stop(grace) ─▶ remove          exec (health) · logs · recover (re-adopt)
 *   supervisor, once a removed stack's tasks are gone ─▶ cleanupStack (networks, volumes, files)
 */
import type { DriverName, LogStream, NetworkSpec, ServiceSpec, VolumeSpec } from '@berth/api';

/** Identity of a task on this node; drivers label/record workloads with it. */
export interface TaskRef {
  taskId: string;
  stack: string;
  service: string;
  /** Replica number (1-based) for replicated services; 0 for global ones. */
  slot: number;
  nodeId: string;
}

/** Everything a driver needs to run one task. */
export interface TaskDescriptor {
  ref: TaskRef;
  spec: ServiceSpec;
  /** Absolute directory relative host paths (process working_dir) resolve against. */
  projectDir: string;
  /** The node's address: ports without a host IP are published on it. */
  nodeAddress: string;
  /** Top-level networks and volumes of the stack that this service uses. */
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
}

/** A started workload: enough to wait for, stop, exec in and re-adopt it. */
export interface WorkloadHandle {
  driver: DriverName;
  /** Container id (docker) or `pid:starttime` (process; start time guards against pid reuse). */
  id: string;
  ref: TaskRef;
  /** Epoch ms when the runtime started it. */
  startedAt: number;
}

/** How a workload ended. */
export interface ExitResult {
  /** Exit code; 128+n when killed by signal n. */
  exitCode: number;
  signal?: string;
  oomKilled: boolean;
  /** Epoch ms. */
  finishedAt: number;
  /** The runtime's own words when the exit was abnormal (e.g. engine error). */
  message?: string;
}

/** Result of running a command inside (or, for processes, beside) a workload. */
export interface ExecResult {
  exitCode: number;
  /** Combined output, truncated to a few KiB. */
  output: string;
  timedOut: boolean;
}

/** One chunk of a workload's log. */
export interface LogEntry {
  stream: LogStream;
  /** Epoch ms when it was written, when the runtime knows. */
  time?: number;
  text: string;
}

/** Options for reading a workload's logs. */
export interface LogOptions {
  /** Last N lines; undefined = all. */
  tail?: number;
  follow: boolean;
  /** Epoch ms. */
  since?: number;
  signal?: AbortSignal;
}

/** A workload found on this node at agent start, labelled with this node's id. */
export interface RecoveredWorkload {
  handle: WorkloadHandle;
  /** Still running, or exited with the given result while the agent was away. */
  state: 'running' | 'exited';
  exit?: ExitResult;
  /** Restarts the previous agent run had counted (stored with the workload when possible). */
  restarts: number;
}

/** Whether a driver can run tasks on this node, with the reason when it cannot. */
export interface DriverAvailability {
  driver: DriverName;
  available: boolean;
  /** Version string when available, the reason when not. */
  message: string;
}

/** What a driver's {@link RuntimeDriver.cleanupStack} did, one line per object. */
export interface StackCleanupReport {
  /** What it deleted, e.g. `network shop_default`, `volume shop_data`. */
  removed: string[];
  /** What it left and why, e.g. `network shop_default: still used by 1 container`. */
  kept: string[];
}

/**
 * A runtime driver. Every method reports failure by rejecting with a BerthError whose message
 * a user can act on (`image 127.0.0.1:1/missing:1 not found`, `port 8080 is already taken`).
 */
export interface RuntimeDriver {
  readonly name: DriverName;
  /** Checks the runtime is usable (engine answers, binary exists). Never throws. */
  detect(): Promise<DriverAvailability>;
  /** Gets everything ready to start: image present (pull/build per policy), networks, volumes. */
  prepare(task: TaskDescriptor, signal?: AbortSignal): Promise<void>;
  /** Starts the task; with `previous`, restarts that same workload in place when the driver can. */
  start(task: TaskDescriptor, previous?: WorkloadHandle): Promise<WorkloadHandle>;
  /** Resolves when the workload exits (immediately if it already has). */
  wait(handle: WorkloadHandle): Promise<ExitResult>;
  /** Sends the stop signal, then kills after `graceMs`. Resolves once it is no longer running. */
  stop(handle: WorkloadHandle, options: { signal: string; graceMs: number }): Promise<void>;
  /** Removes what start created (container, log files). Idempotent. */
  remove(handle: WorkloadHandle): Promise<void>;
  /** Runs a health-check command: `['CMD', ...argv]` or `['CMD-SHELL', script]`. */
  exec(handle: WorkloadHandle, test: string[], timeoutMs: number): Promise<ExecResult>;
  /** Reads (and optionally follows) the workload's output. */
  logs(handle: WorkloadHandle, options: LogOptions): AsyncIterable<LogEntry>;
  /** Finds this node's workloads left by a previous agent run. */
  recover(nodeId: string): Promise<RecoveredWorkload[]>;
  /** Records the restart count with the workload so a restarted agent can report it. */
  recordRestarts?(handle: WorkloadHandle, restarts: number): Promise<void>;
  /**
   * Deletes what the driver made for removed stack `stack` besides its workloads (networks, and
   * named volumes with `removeVolumes`), once the stack's tasks are removed. Never touches what
   * berth did not create (external networks and volumes) or what is still in use: those are
   * reported as kept. Rejects only when it cannot look at all (engine unreachable).
   */
  cleanupStack?(stack: string, options: { removeVolumes: boolean }): Promise<StackCleanupReport>;
}
