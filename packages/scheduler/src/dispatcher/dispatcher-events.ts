/** What a Dispatcher reports as it runs (for the scheduler's log, and for tests to wait on). */

/** A stream registered as a node and got its complete set. */
export interface NodeRegistered {
  nodeId: string;
  /** The agent's address as grpc-js sees it. */
  peer: string;
  /** Revision of the complete set it was sent. */
  revision: number;
  /** How many assignments that set held. */
  assignments: number;
}

/** A registered node's stream went away (the node is not down until its grace runs out). */
export interface NodeDisconnected {
  nodeId: string;
  why: string;
}

/** A down node's lease ran out: its tasks (but those that keep running when disconnected) were recorded lost. */
export interface TasksLost {
  nodeId: string;
  /** How long the node had been silent (ms). */
  silentMs: number;
  taskIds: string[];
}

/** Something went wrong that the dispatcher handled on its own (nothing for a caller to do). */
export interface DispatcherProblem {
  message: string;
  nodeId?: string;
  error?: unknown;
}

/** A stream was refused at Register (and ended with `code`); nothing was written to the store. */
export interface StreamRefused {
  /** The agent's address as grpc-js sees it. */
  peer: string;
  /** The node id it tried to register as ('' when none). */
  nodeId: string;
  code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED';
  message: string;
}

/** Events of a Dispatcher; listeners run synchronously and must not throw. */
export interface DispatcherEvents {
  registered: (event: NodeRegistered) => void;
  disconnected: (event: NodeDisconnected) => void;
  /** The liveness check marked these nodes down (one event per check). */
  nodesDown: (nodeIds: string[]) => void;
  /** The lease of a down node ran out and its tasks were recorded lost (one event per node). */
  tasksLost: (event: TasksLost) => void;
  problem: (problem: DispatcherProblem) => void;
  /** A stream was refused by the `authorize` option. */
  refused: (event: StreamRefused) => void;
}
