/**
 * Tasks: one running replica of a service, placed on one node. The scheduler owns a task's
 * desired state; the agent running it reports the observed {@link TaskStatus}.
 * Times are epoch milliseconds.
 */
import type { PortSpec } from './stack-spec.js';

/**
 * Where a task is in its life:
 * `pending` (not yet placed) → `assigned` (sent to a node) → `preparing` (pulling, creating
 * mounts) → `starting` → `running` → `exited` | `failed` | `stopped`; `lost` when its node
 * stopped answering and the task's fate is unknown.
 */
export type TaskState =
  | 'pending'
  | 'assigned'
  | 'preparing'
  | 'starting'
  | 'running'
  | 'exited'
  | 'failed'
  | 'stopped'
  | 'lost';

// A Record so the compiler rejects a state missing here; key order is the life-cycle order.
const TASK_STATE_SET: Readonly<Record<TaskState, true>> = {
  pending: true,
  assigned: true,
  preparing: true,
  starting: true,
  running: true,
  exited: true,
  failed: true,
  stopped: true,
  lost: true,
};

/** Every task state in life-cycle order (the order of the wire enum too). */
export const TASK_STATES: readonly TaskState[] = Object.freeze(
  Object.keys(TASK_STATE_SET) as TaskState[],
);

/** Result of a task's health check; `none` when the service has no (or a disabled) check. */
export type HealthState = 'none' | 'starting' | 'healthy' | 'unhealthy';

const HEALTH_STATE_SET: Readonly<Record<HealthState, true>> = {
  none: true,
  starting: true,
  healthy: true,
  unhealthy: true,
};

/** Every health state. */
export const HEALTH_STATES: readonly HealthState[] = Object.freeze(
  Object.keys(HEALTH_STATE_SET) as HealthState[],
);

/** What the scheduler wants a task to be doing. */
export type DesiredTaskState = 'run' | 'stop';

/** Which output stream of a task a log line came from. */
export type LogStream = 'stdout' | 'stderr';

/** A port a running task actually bound on its node. */
export interface BoundPort {
  target: number;
  published: number;
  hostIp: string;
  protocol: PortSpec['protocol'];
}

/** The observed status of one task, as reported by the agent running it. */
export interface TaskStatus {
  taskId: string;
  state: TaskState;
  health: HealthState;
  /** Set once the task's process has exited. */
  exitCode?: number;
  /** Human-readable reason for the current state (e.g. the runtime's error); may be empty. */
  message: string;
  /** How many times the agent restarted the task in place. */
  restarts: number;
  /** Container id (docker driver) or pid (process driver), once started. */
  runtimeId?: string;
  /** When the task last entered each state it has been in (epoch ms). */
  stateTimes: Partial<Record<TaskState, number>>;
  ports: BoundPort[];
}
