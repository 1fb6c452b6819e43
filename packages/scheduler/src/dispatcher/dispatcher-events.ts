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

/** Something went wrong that the dispatcher handled on its own (nothing for a caller to do). */
export interface DispatcherProblem {
  message: string;
  nodeId?: string;
  error?: unknown;
}

/** Events of a Dispatcher; listeners run synchronously and must not throw. */
export interface DispatcherEvents {
  registered: (event: NodeRegistered) => void;
  disconnected: (event: NodeDisconnected) => void;
  /** The liveness check marked these nodes down (one event per check). */
  nodesDown: (nodeIds: string[]) => void;
  problem: (problem: DispatcherProblem) => void;
}
