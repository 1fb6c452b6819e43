/**
 * Conversions between the Control views (`views.ts`) and their berth.v1 messages, for the
 * unary answers. Decoding throws BerthError INTERNAL on enums this build does not know.
 */
import { BerthError, fromProtoNodeInfo, fromProtoTaskStatus, toProtoTaskStatus, wire, type PortSpec, type TaskStatus } from '@berth/api';
import type { Task } from '../reconcile/model.js';
import type { IssuedCertificateView, NodeLoad, NodeView, ServiceChange, ServiceSummary, StackSummary, TaskView } from './views.js';
import { changeKindWire, deployModeWire, desiredStateWire, portModeWire, portProtocolWire } from './wire-enums.js';

/** The wire form of a service change. */
export function toProtoServiceChange(change: ServiceChange): wire.ServiceChange {
  return { service: change.service, kind: changeKindWire.toWire(change.kind), changedFields: [...change.changedFields] };
}

/** The domain form of a wire service change. */
export function fromProtoServiceChange(message: wire.ServiceChange, path = 'change'): ServiceChange {
  return {
    service: message.service,
    kind: changeKindWire.fromWire(message.kind, `${path}.kind`),
    changedFields: [...message.changedFields],
  };
}

/** The wire form of a stack summary. */
export function toProtoStackSummary(summary: StackSummary): wire.StackSummary {
  const { updatedAt, ...rest } = summary;
  return { ...rest, updatedAt: updatedAt === undefined ? undefined : new Date(updatedAt) };
}

/** The domain form of a wire stack summary. */
export function fromProtoStackSummary(message: wire.StackSummary): StackSummary {
  const { updatedAt, ...rest } = message;
  return { ...rest, ...(updatedAt !== undefined ? { updatedAt: updatedAt.getTime() } : {}) };
}

function toProtoPort(port: PortSpec): wire.PortSpec {
  return {
    target: port.target,
    published: port.published,
    publishedEnd: port.publishedEnd,
    hostIp: port.hostIp,
    protocol: portProtocolWire.toWire(port.protocol),
    mode: portModeWire.toWire(port.mode),
  };
}

function fromProtoPort(message: wire.PortSpec, path: string): PortSpec {
  return {
    target: message.target,
    ...(message.published !== undefined ? { published: message.published } : {}),
    ...(message.publishedEnd !== undefined ? { publishedEnd: message.publishedEnd } : {}),
    ...(message.hostIp !== undefined ? { hostIp: message.hostIp } : {}),
    protocol: portProtocolWire.fromWire(message.protocol, `${path}.protocol`),
    mode: portModeWire.fromWire(message.mode, `${path}.mode`),
  };
}

/** The wire form of a service summary. */
export function toProtoServiceSummary(summary: ServiceSummary): wire.ServiceSummary {
  return {
    stack: summary.stack,
    name: summary.name,
    mode: deployModeWire.toWire(summary.mode),
    replicasDesired: summary.replicasDesired,
    replicasRunning: summary.replicasRunning,
    image: summary.image,
    ports: summary.ports.map(toProtoPort),
  };
}

/** The domain form of a wire service summary. */
export function fromProtoServiceSummary(message: wire.ServiceSummary, path = 'service'): ServiceSummary {
  return {
    stack: message.stack,
    name: message.name,
    mode: deployModeWire.fromWire(message.mode, `${path}.mode`),
    replicasDesired: message.replicasDesired,
    replicasRunning: message.replicasRunning,
    ...(message.image !== undefined ? { image: message.image } : {}),
    ports: message.ports.map((p, i) => fromProtoPort(p, `${path}.ports[${i}]`)),
  };
}

/**
 * The status `berth ps` shows: for a task without a node, the scheduler's reason it has none
 * (`no suitable node (...)`, `waiting for db (...)`) replaces the empty agent message.
 */
export function displayedStatus(task: Task): TaskStatus {
  if (task.nodeId !== undefined || task.pendingReason === undefined || task.status.message !== '') return task.status;
  return { ...task.status, message: task.pendingReason };
}

/** The wire form of a task record (its status as {@link displayedStatus} shows it). */
export function toProtoTask(task: Task): wire.Task {
  return {
    id: task.id,
    stack: task.stack,
    service: task.service,
    slot: task.slot,
    nodeId: task.nodeId ?? '',
    desiredState: desiredStateWire.toWire(task.desired),
    status: toProtoTaskStatus(displayedStatus(task)),
  };
}

/** The task view of a wire task; `nodeNames` (node id → name) fills in `nodeName`. */
export function fromProtoTask(message: wire.Task, nodeNames: ReadonlyMap<string, string>, path = 'task'): TaskView {
  if (message.status === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path}.status is missing`, { context: { path: `${path}.status` } });
  }
  const status = fromProtoTaskStatus(message.status, `${path}.status`);
  const nodeName = message.nodeId === '' ? undefined : nodeNames.get(message.nodeId);
  const since = status.stateTimes[status.state];
  return {
    id: message.id,
    stack: message.stack,
    service: message.service,
    slot: message.slot,
    ...(message.nodeId !== '' ? { nodeId: message.nodeId } : {}),
    ...(nodeName !== undefined ? { nodeName } : {}),
    desired: desiredStateWire.fromWire(message.desiredState, `${path}.desiredState`),
    state: status.state,
    health: status.health,
    restarts: status.restarts,
    ...(status.exitCode !== undefined ? { exitCode: status.exitCode } : {}),
    message: status.message,
    ...(since !== undefined ? { since } : {}),
    ports: status.ports,
  };
}

/** The wire form of a node's load. */
export function toProtoNodeLoad(load: NodeLoad): wire.NodeLoad {
  return {
    nodeId: load.nodeId,
    tasks: load.tasks,
    running: load.running,
    reservedCpus: load.reservedCpus,
    reservedMemoryBytes: load.reservedMemoryBytes,
    lastHeartbeat: load.lastHeartbeatAt,
  };
}

/** The domain form of a wire node load. */
export function fromProtoNodeLoad(message: wire.NodeLoad): NodeLoad {
  const { lastHeartbeat, ...rest } = message;
  return { ...rest, ...(lastHeartbeat !== undefined ? { lastHeartbeatAt: lastHeartbeat } : {}) };
}

/** The node views of a ListNodes answer: each node with its load (matched by id; INTERNAL when one has none). */
export function fromProtoNodeList(message: wire.ListNodesResponse): NodeView[] {
  const loads = new Map(message.loads.map((l) => [l.nodeId, l]));
  return message.nodes.map((n, i) => {
    const load = loads.get(n.id);
    if (load === undefined) {
      throw new BerthError('INTERNAL', `the scheduler sent no load for node ${n.id} (an older scheduler?)`, { context: { path: `nodes[${i}]` } });
    }
    const { nodeId: _id, ...figures } = fromProtoNodeLoad(load);
    return { ...fromProtoNodeInfo(n, `nodes[${i}]`), ...figures };
  });
}

/** The domain form of a wire issued certificate; INTERNAL when its expiry is missing. */
export function fromProtoIssuedCertificate(message: wire.IssuedCertificate | undefined, path = 'certificate'): IssuedCertificateView {
  if (message === undefined || message.notAfter === undefined) {
    throw new BerthError('INTERNAL', `wire field ${path}${message === undefined ? '' : '.notAfter'} is missing`, { context: { path } });
  }
  return { certificatePem: message.certificatePem, caCertificatePem: message.caCertificatePem, notAfter: message.notAfter };
}
