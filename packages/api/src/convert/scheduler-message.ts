/**
 * Scheduler → agent messages as domain values, and their conversion from (and, for test
 * schedulers, to) berth.v1.SchedulerMessage. Times are epoch milliseconds.
 */
import type { AssignmentSet } from '../spec/assignment.js';
import type { LogRequest } from '../spec/log-transfer.js';
import type { StackCleanup } from '../spec/stack-cleanup.js';
import * as wire from '../wire.js';
import { fromProtoAssignmentSet, toProtoAssignmentSet } from './assignment.js';

/** The scheduler's reply to Register. */
export interface RegisterAck {
  /** The node's id, newly assigned or confirmed; the agent persists it. */
  nodeId: string;
  /** 0 = the scheduler left it to the agent's default. */
  heartbeatPeriodMs: number;
  /** How long after its last acknowledged heartbeat the node counts as down; 0 = unset. */
  graceMs: number;
}

/** The scheduler's reply to a Heartbeat. */
export interface HeartbeatAck {
  seq: number;
  /** The node's lease runs until this time (scheduler clock, epoch ms). */
  leaseExpiresAt?: number;
}

/** One message from the scheduler. */
export type SchedulerMessage =
  | { kind: 'registerAck'; ack: RegisterAck }
  | { kind: 'heartbeatAck'; ack: HeartbeatAck }
  | { kind: 'assignmentSet'; set: AssignmentSet }
  | { kind: 'logRequest'; request: LogRequest }
  | { kind: 'logCancel'; requestId: string }
  | { kind: 'stackCleanup'; cleanup: StackCleanup };

/**
 * The domain form of a wire message; undefined for a payload this build does not know (a newer
 * scheduler), which the agent ignores. Throws BerthError INTERNAL on fields it cannot represent.
 */
export function fromProtoSchedulerMessage(message: wire.SchedulerMessage): SchedulerMessage | undefined {
  const payload = message.payload;
  switch (payload?.$case) {
    case 'registerAck':
      return {
        kind: 'registerAck',
        ack: {
          nodeId: payload.value.nodeId,
          heartbeatPeriodMs: payload.value.heartbeatPeriodMs,
          graceMs: payload.value.graceMs,
        },
      };
    case 'heartbeatAck': {
      const { seq, leaseExpiry } = payload.value;
      return {
        kind: 'heartbeatAck',
        ack: leaseExpiry ? { seq, leaseExpiresAt: leaseExpiry.getTime() } : { seq },
      };
    }
    case 'assignmentSet':
      return { kind: 'assignmentSet', set: fromProtoAssignmentSet(payload.value) };
    case 'logRequest': {
      const { requestId, taskId, tailLines, follow, since } = payload.value;
      const request: LogRequest = { requestId, taskId, follow };
      if (tailLines !== undefined) request.tail = tailLines;
      if (since) request.since = since.getTime();
      return { kind: 'logRequest', request };
    }
    case 'logCancel':
      return { kind: 'logCancel', requestId: payload.value.requestId };
    case 'stackCleanup':
      return { kind: 'stackCleanup', cleanup: { stack: payload.value.stack, removeVolumes: payload.value.removeVolumes } };
    case undefined:
      return undefined;
  }
}

/** The wire form of a scheduler message. */
export function toProtoSchedulerMessage(message: SchedulerMessage): wire.SchedulerMessage {
  switch (message.kind) {
    case 'registerAck':
      return { payload: { $case: 'registerAck', value: { ...message.ack } } };
    case 'heartbeatAck': {
      const { seq, leaseExpiresAt } = message.ack;
      const leaseExpiry = leaseExpiresAt === undefined ? undefined : new Date(leaseExpiresAt);
      return { payload: { $case: 'heartbeatAck', value: { seq, leaseExpiry } } };
    }
    case 'assignmentSet':
      return { payload: { $case: 'assignmentSet', value: toProtoAssignmentSet(message.set) } };
    case 'logRequest': {
      const { requestId, taskId, tail, follow, since } = message.request;
      const value: wire.LogRequest = {
        requestId,
        taskId,
        tailLines: tail,
        follow,
        since: since === undefined ? undefined : new Date(since),
      };
      return { payload: { $case: 'logRequest', value } };
    }
    case 'logCancel':
      return { payload: { $case: 'logCancel', value: { requestId: message.requestId } } };
    case 'stackCleanup': {
      const { stack, removeVolumes } = message.cleanup;
      return { payload: { $case: 'stackCleanup', value: { stack, removeVolumes } } };
    }
  }
}
