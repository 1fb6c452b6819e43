/**
 * Agent → scheduler messages as domain values, and their conversion to (and, for test
 * schedulers, from) berth.v1.AgentMessage. Times are epoch milliseconds.
 */
import type { DriverStatus } from '../spec/node.js';
import type { LogChunk, LogFailure } from '../spec/log-transfer.js';
import type { LogStream, TaskStatus } from '../spec/task.js';
import * as wire from '../wire.js';
import { fromProtoDriverStatus, toProtoDriverStatus } from './node-info.js';
import { fromProtoTaskStatus, toProtoTaskStatus } from './task-status.js';
import { enumMapping, requireMessage } from './wire-fields.js';

/** Who the agent is and what it already runs: the first message on every stream. */
export interface AgentRegistration {
  /** The persisted node id (empty only if the node has none, letting the scheduler assign one). */
  nodeId: string;
  name: string;
  /** Address the scheduler and other nodes reach this node at. */
  address: string;
  labels: Record<string, string>;
  /** Fractional cores. */
  cpus: number;
  memoryBytes: number;
  drivers: DriverStatus[];
  agentVersion: string;
  /** Tasks running right now, so the scheduler can reconcile after a reconnect. */
  tasks: TaskStatus[];
  /** Revision of the last assignment set applied; 0 if none. */
  appliedRevision: number;
}

/** One message from the agent. */
export type AgentMessage =
  | { kind: 'register'; registration: AgentRegistration }
  | { kind: 'heartbeat'; seq: number; time: number }
  | { kind: 'statusBatch'; statuses: TaskStatus[] }
  | { kind: 'logChunk'; chunk: LogChunk }
  | { kind: 'logError'; failure: LogFailure };

const logStream = enumMapping<LogStream, wire.LogStream>('LogStream', {
  stdout: wire.LogStream.STDOUT,
  stderr: wire.LogStream.STDERR,
});

/** The wire form of an agent message. */
export function toProtoAgentMessage(message: AgentMessage): wire.AgentMessage {
  switch (message.kind) {
    case 'register': {
      const r = message.registration;
      const value: wire.Register = {
        nodeId: r.nodeId,
        name: r.name,
        address: r.address,
        labels: { ...r.labels },
        cpus: r.cpus,
        memoryBytes: r.memoryBytes,
        drivers: r.drivers.map(toProtoDriverStatus),
        agentVersion: r.agentVersion,
        tasks: r.tasks.map(toProtoTaskStatus),
        appliedRevision: r.appliedRevision,
      };
      return { payload: { $case: 'register', value } };
    }
    case 'heartbeat':
      return { payload: { $case: 'heartbeat', value: { seq: message.seq, time: new Date(message.time) } } };
    case 'statusBatch':
      return { payload: { $case: 'statusBatch', value: { statuses: message.statuses.map(toProtoTaskStatus) } } };
    case 'logChunk': {
      const c = message.chunk;
      const value: wire.LogChunk = {
        requestId: c.requestId,
        taskId: c.taskId,
        stream: logStream.toWire(c.stream),
        // A view, not a copy: chunks can be large and the caller hands them over.
        data: Buffer.from(c.data.buffer, c.data.byteOffset, c.data.byteLength),
        time: c.time === undefined ? undefined : new Date(c.time),
        eof: c.eof,
      };
      return { payload: { $case: 'logChunk', value } };
    }
    case 'logError':
      return { payload: { $case: 'logError', value: { ...message.failure } } };
  }
}

/**
 * The domain form of a wire agent message (what a scheduler sees); undefined for a payload this
 * build does not know. Throws BerthError INTERNAL on fields it cannot represent.
 */
export function fromProtoAgentMessage(message: wire.AgentMessage): AgentMessage | undefined {
  const payload = message.payload;
  switch (payload?.$case) {
    case 'register': {
      const r = payload.value;
      const registration: AgentRegistration = {
        nodeId: r.nodeId,
        name: r.name,
        address: r.address,
        labels: { ...r.labels },
        cpus: r.cpus,
        memoryBytes: r.memoryBytes,
        drivers: r.drivers.map((d, i) => fromProtoDriverStatus(d, `register.drivers[${i}]`)),
        agentVersion: r.agentVersion,
        tasks: r.tasks.map((t, i) => fromProtoTaskStatus(t, `register.tasks[${i}]`)),
        appliedRevision: r.appliedRevision,
      };
      return { kind: 'register', registration };
    }
    case 'heartbeat':
      return {
        kind: 'heartbeat',
        seq: payload.value.seq,
        time: requireMessage(payload.value.time, 'heartbeat.time').getTime(),
      };
    case 'statusBatch':
      return {
        kind: 'statusBatch',
        statuses: payload.value.statuses.map((s, i) => fromProtoTaskStatus(s, `statusBatch.statuses[${i}]`)),
      };
    case 'logChunk': {
      const c = payload.value;
      const chunk: LogChunk = {
        requestId: c.requestId,
        taskId: c.taskId,
        stream: logStream.fromWire(c.stream, 'logChunk.stream'),
        data: new Uint8Array(c.data),
        eof: c.eof,
      };
      if (c.time) chunk.time = c.time.getTime();
      return { kind: 'logChunk', chunk };
    }
    case 'logError':
      return { kind: 'logError', failure: { ...payload.value } };
    case undefined:
      return undefined;
  }
}
