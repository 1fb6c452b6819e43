/**
 * What the Control API answers, as domain values: the CLI and the server both work with these;
 * `view-wire.ts` and `stream-wire.ts` convert them at the gRPC edge. Times are epoch ms.
 */
import type {
  BoundPort,
  DeploySpec,
  DesiredTaskState,
  HealthState,
  LogStream,
  NodeInfo,
  PortSpec,
  TaskState,
} from '@berth/api';

/** What a deploy or scale does to one service. */
export type ChangeKind = 'created' | 'updated' | 'unchanged' | 'removed';

/** One service's change. */
export interface ServiceChange {
  service: string;
  kind: ChangeKind;
  /** For `updated`: the ServiceSpec fields (camelCase paths, e.g. `deploy.replicas`) that differ. */
  changedFields: string[];
}

/** The answer to a deploy. */
export interface DeployResult {
  /** Per service, by name; removed services included. */
  changes: ServiceChange[];
  /** Store revision of the stack's desired state after the deploy (unchanged by a dry run; 0 when never deployed). */
  revision: number;
}

/** The answer to a remove. */
export interface RemoveResult {
  removedServices: string[];
}

/** One deployed stack. */
export interface StackSummary {
  name: string;
  services: number;
  /** Replicas of replicated services plus live tasks of global ones. */
  tasksDesired: number;
  tasksRunning: number;
  /** Store revision that last wrote the stack. */
  revision: number;
  /** When the stack was last written, when the server knows it. */
  updatedAt?: number;
}

/** One deployed service: desired against running replicas. */
export interface ServiceSummary {
  stack: string;
  name: string;
  mode: DeploySpec['mode'];
  /** `deploy.replicas`, or for a global service the number of its live tasks. */
  replicasDesired: number;
  /** Live tasks (desired `run`) that are running. */
  replicasRunning: number;
  image?: string;
  ports: PortSpec[];
}

/** One task as `berth ps` shows it. */
export interface TaskView {
  id: string;
  stack: string;
  service: string;
  /** 1-based replica slot; 0 for global services. */
  slot: number;
  /** Absent while pending. */
  nodeId?: string;
  /** The node's name, when the node is known. */
  nodeName?: string;
  desired: DesiredTaskState;
  state: TaskState;
  health: HealthState;
  restarts: number;
  exitCode?: number;
  /** Why the task is in its state; for a pending task, why it has no node yet. */
  message: string;
  /** When the task entered its current state, when known. */
  since?: number;
  ports: BoundPort[];
}

/** One node with what runs on it. */
export interface NodeView extends NodeInfo {
  /** Live tasks (desired `run`, not yet ended) placed on the node. */
  tasks: number;
}

/** One line of task output. */
export interface LogLine {
  service: string;
  taskId: string;
  slot: number;
  stream: LogStream;
  /** The line without its newline; invalid UTF-8 replaced. */
  text: string;
  /** When the line was written, or when the scheduler received it if the runtime did not say. */
  time: number;
}

/** What an event is about. */
export type BerthEventKind = 'task-state' | 'node-state' | 'deploy' | 'remove' | 'scale';

/** Something that happened in the cluster. */
export interface BerthEvent {
  time: number;
  kind: BerthEventKind;
  stack?: string;
  service?: string;
  taskId?: string;
  nodeId?: string;
  /** Human-readable: `running`, `failed (exit code 1)`, `down`, `web=3`, ... */
  message: string;
}
