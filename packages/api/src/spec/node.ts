/** Nodes: machines running a berth agent, as the scheduler sees them. */
import type { DriverName } from './stack-spec.js';

/** Whether the scheduler currently hears from a node. */
export type NodeState = 'ready' | 'down';

/** Whether tasks may be placed on a node: `pause` keeps running tasks, `drain` moves them away. */
export type NodeAvailability = 'active' | 'pause' | 'drain';

/** A node's part: a manager runs the scheduler (and usually an agent), a worker only an agent. */
export type NodeRole = 'manager' | 'worker';

/** Whether a runtime driver works on a node, and why not. */
export interface DriverStatus {
  name: DriverName;
  available: boolean;
  /** Why the driver is unavailable (or a version note when it is); may be empty. */
  message: string;
}

/** One node as the scheduler sees it. */
export interface NodeInfo {
  id: string;
  name: string;
  /** Address the scheduler and other nodes reach it at. */
  address: string;
  state: NodeState;
  availability: NodeAvailability;
  role: NodeRole;
  labels: Record<string, string>;
  /**
   * Label changes an operator made (`berth node update`): a value sets the label, null removes
   * it. They win over the agent's own `--label` values each time it registers. Scheduler state
   * only; not on the wire.
   */
  operatorLabels?: Record<string, string | null>;
  /** Fractional cores. */
  cpus: number;
  memoryBytes: number;
  drivers: DriverStatus[];
}
