/** What a SchedulerLink tells the agent: its events and their payloads. */
import type { AssignmentSet, HeartbeatAck, LogRequest, StackCleanup } from '@berth/api';

/** A registered stream, as the agent sees it. */
export interface LinkUp {
  nodeId: string;
  /** The heartbeat period in force (the ack's, or the default). */
  heartbeatPeriodMs: number;
  /** The lease length the scheduler announced; 0 = not announced. */
  graceMs: number;
}

/** Why a registered stream went away. */
export interface LinkDown {
  /**
   * `ended`: the scheduler ended the stream; `failed`: it errored; `stalled`: nothing arrived for
   * too long; `expired`: the lease ran out, so the link let go of the stream to register afresh;
   * `refused`: the scheduler will not take this node (removed): the link stops.
   */
  reason: 'ended' | 'failed' | 'stalled' | 'expired' | 'closed' | 'refused';
  message: string;
}

/** The lease ran out: the agent fences its tasks. */
export interface LeaseExpiry {
  /** The lease length in force (ms). */
  graceMs: number;
  /** How long ago the last acknowledged heartbeat (or Register, or the agent's start) was sent (ms); at least `graceMs`. */
  sinceAcknowledgedMs: number;
  /** False when the scheduler never acknowledged anything: the lease ran from the agent's start. */
  acknowledged: boolean;
}

/** An acknowledgement made an expired lease current again. */
export interface LeaseRenewal {
  /** How long the renewed lease runs from now (ms). */
  expiresInMs: number;
}

/** A redial about to happen. */
export interface LinkRetry {
  /** 0-based number of this retry since the last registered stream. */
  attempt: number;
  delayMs: number;
  /** Why the previous attempt (or stream) ended. */
  cause: string;
}

/** Events of a SchedulerLink; listeners run synchronously and must not throw. */
export interface SchedulerLinkEvents {
  connected: (up: LinkUp) => void;
  disconnected: (down: LinkDown) => void;
  /**
   * The scheduler refused this node for good (PERMISSION_DENIED: removed with `berth node rm`,
   * or a certificate for another node): the link stops dialling. Emitted once.
   */
  refused: (message: string) => void;
  retrying: (retry: LinkRetry) => void;
  assignments: (set: AssignmentSet) => void;
  logRequest: (request: LogRequest) => void;
  /** Also emitted for every open request when the stream goes down: its reader is gone. */
  logCancel: (requestId: string) => void;
  heartbeatAck: (ack: HeartbeatAck) => void;
  /** The lease ran out (checked on a timer and before any incoming message): fence the tasks now. */
  leaseExpired: (expiry: LeaseExpiry) => void;
  /** An acknowledgement made the lease current again after it had run out. */
  leaseRenewed: (renewal: LeaseRenewal) => void;
  /** A removed stack: delete what the node still holds of it once its tasks are gone. */
  stackCleanup: (cleanup: StackCleanup) => void;
  /** A scheduler message this build cannot represent; it was skipped. */
  protocolError: (error: unknown) => void;
}
