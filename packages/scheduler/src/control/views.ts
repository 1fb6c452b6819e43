/**
 * What the Control API answers, as domain values: the CLI and the server both work with these;
 * `view-wire.ts` and `stream-wire.ts` convert them at the gRPC edge. Times are epoch ms, except
 * in the node and certificate views, which carry `Date`s.
 */
import type {
  BoundPort,
  DeploySpec,
  DesiredTaskState,
  HealthState,
  LogStream,
  NodeAvailability,
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

/** What the scheduler has placed on one node. */
export interface NodeLoad {
  nodeId: string;
  /** Live tasks (desired `run`, not yet ended) placed on the node. */
  tasks: number;
  /** Of those, how many the agent reports running. */
  running: number;
  /** Sum of those tasks' `deploy.resources.reservations.cpus` (fractional cores). */
  reservedCpus: number;
  /** Sum of those tasks' `deploy.resources.reservations.memoryBytes`. */
  reservedMemoryBytes: number;
  /** When the scheduler last heard from the node, when known. */
  lastHeartbeatAt?: Date;
}

/** One node with what runs on it (`berth nodes`). */
export interface NodeView extends NodeInfo, Omit<NodeLoad, 'nodeId'> {}

/** What a node removal did. */
export interface NodeRemoval {
  nodeId: string;
  /** Live tasks that were on the node and will be placed elsewhere. */
  tasksMoved: number;
}

/** A node update: `node` is an id, a unique id prefix or a name. */
export interface NodeUpdate {
  node: string;
  /** Labels to set (added or overwritten). */
  labelsAdd?: Record<string, string>;
  /** Label keys to delete; keys the node does not have are ignored. */
  labelsRemove?: string[];
  /** Unchanged when absent. */
  availability?: NodeAvailability;
}

/** The worker join token and the fingerprint of the CA it pins. */
export interface JoinTokenView {
  token: string;
  /** sha256 of the cluster CA certificate (DER), 64 hex characters. */
  caFingerprint: string;
}

/** An admin CSR to sign (`berth cert create --admin`). */
export interface CertificateRequest {
  role: 'admin';
  /** PKCS#10 request, PEM; its common name becomes the certificate's. */
  csrPem: string;
  /** Validity in days; default: the authority's (90). */
  validityDays?: number;
}

/** A certificate the cluster CA signed, with the CA certificate to trust. */
export interface IssuedCertificateView {
  certificatePem: string;
  caCertificatePem: string;
  notAfter: Date;
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
