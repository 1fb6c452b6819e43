/** Conversions between the domain NodeInfo / DriverStatus and their berth.v1 forms. */
import * as w from '../gen/berth/v1/node.js';
import type {
  DriverStatus,
  NodeAvailability,
  NodeInfo,
  NodeRole,
  NodeState,
} from '../spec/node.js';
import { driverNameMapping } from './service-spec.js';
import { enumMapping } from './wire-fields.js';

const nodeState = enumMapping<NodeState, w.NodeState>('NodeState', {
  ready: w.NodeState.READY,
  down: w.NodeState.DOWN,
});

/** Node availability ↔ wire NodeAvailability (UNSPECIFIED is not a value: UpdateNode reads it as "unchanged"). */
export const nodeAvailabilityMapping = enumMapping<NodeAvailability, w.NodeAvailability>('NodeAvailability', {
  active: w.NodeAvailability.ACTIVE,
  pause: w.NodeAvailability.PAUSE,
  drain: w.NodeAvailability.DRAIN,
});

const nodeRole = enumMapping<NodeRole, w.NodeRole>('NodeRole', {
  manager: w.NodeRole.MANAGER,
  worker: w.NodeRole.WORKER,
});

/** The wire form of a node. */
export function toProtoNodeInfo(node: NodeInfo): w.NodeInfo {
  return {
    id: node.id,
    name: node.name,
    address: node.address,
    state: nodeState.toWire(node.state),
    availability: nodeAvailabilityMapping.toWire(node.availability),
    role: nodeRole.toWire(node.role),
    labels: { ...node.labels },
    cpus: node.cpus,
    memoryBytes: node.memoryBytes,
    drivers: node.drivers.map(toProtoDriverStatus),
  };
}

/** The domain form of a wire node; throws BerthError INTERNAL on unknown enum values. */
export function fromProtoNodeInfo(message: w.NodeInfo, path = 'node'): NodeInfo {
  return {
    id: message.id,
    name: message.name,
    address: message.address,
    state: nodeState.fromWire(message.state, `${path}.state`),
    availability: nodeAvailabilityMapping.fromWire(message.availability, `${path}.availability`),
    role: nodeRole.fromWire(message.role, `${path}.role`),
    labels: { ...message.labels },
    cpus: message.cpus,
    memoryBytes: message.memoryBytes,
    drivers: message.drivers.map((d, i) => fromProtoDriverStatus(d, `${path}.drivers[${i}]`)),
  };
}

/** The wire form of a driver report (also sent in Register). */
export function toProtoDriverStatus(status: DriverStatus): w.DriverStatus {
  return {
    name: driverNameMapping.toWire(status.name),
    available: status.available,
    message: status.message,
  };
}

/** The domain form of a wire driver report. */
export function fromProtoDriverStatus(message: w.DriverStatus, path = 'driver'): DriverStatus {
  return {
    name: driverNameMapping.fromWire(message.name, `${path}.name`),
    available: message.available,
    message: message.message,
  };
}
