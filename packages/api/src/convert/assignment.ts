/** AssignmentSet ↔ berth.v1.AssignmentSet: the scheduler encodes, the agent's link decodes. */
import type { Assignment, AssignmentSet, AssignmentSetKind } from '../spec/assignment.js';
import type { DesiredTaskState } from '../spec/task.js';
import * as wire from '../wire.js';
import { fromProtoServiceSpec, toProtoServiceSpec } from './service-spec.js';
import {
  fromProtoConfigSpec,
  fromProtoNetworkSpec,
  fromProtoSecretSpec,
  fromProtoVolumeSpec,
  toProtoConfigSpec,
  toProtoNetworkSpec,
  toProtoSecretSpec,
  toProtoVolumeSpec,
} from './stack-spec.js';
import { enumMapping, mapRecord, requireMessage } from './wire-fields.js';

const setKind = enumMapping<AssignmentSetKind, wire.AssignmentSetKind>('AssignmentSetKind', {
  complete: wire.AssignmentSetKind.COMPLETE,
  incremental: wire.AssignmentSetKind.INCREMENTAL,
});

const desiredState = enumMapping<DesiredTaskState, wire.DesiredState>('DesiredState', {
  run: wire.DesiredState.RUN,
  stop: wire.DesiredState.STOP,
});

/** The wire form of an assignment set. */
export function toProtoAssignmentSet(set: AssignmentSet): wire.AssignmentSet {
  return {
    kind: setKind.toWire(set.kind),
    revision: set.revision,
    assignments: set.assignments.map(toProtoAssignment),
    removedTaskIds: [...set.removedTaskIds],
  };
}

/** The domain form of a wire assignment set; throws BerthError INTERNAL on unknown enums or a missing spec. */
export function fromProtoAssignmentSet(
  message: wire.AssignmentSet,
  path = 'assignmentSet',
): AssignmentSet {
  return {
    kind: setKind.fromWire(message.kind, `${path}.kind`),
    revision: message.revision,
    assignments: message.assignments.map((a, i) => fromProtoAssignment(a, `${path}.assignments[${i}]`)),
    removedTaskIds: [...message.removedTaskIds],
  };
}

function toProtoAssignment(assignment: Assignment): wire.Assignment {
  return {
    taskId: assignment.taskId,
    stack: assignment.stack,
    service: assignment.service,
    slot: assignment.slot,
    spec: toProtoServiceSpec(assignment.spec),
    desiredState: desiredState.toWire(assignment.desired),
    networks: mapRecord(assignment.networks, toProtoNetworkSpec),
    volumes: mapRecord(assignment.volumes, toProtoVolumeSpec),
    secrets: mapRecord(assignment.secrets, toProtoSecretSpec),
    configs: mapRecord(assignment.configs, toProtoConfigSpec),
  };
}

function fromProtoAssignment(message: wire.Assignment, path: string): Assignment {
  return {
    taskId: message.taskId,
    stack: message.stack,
    service: message.service,
    slot: message.slot,
    spec: fromProtoServiceSpec(requireMessage(message.spec, `${path}.spec`), `${path}.spec`),
    desired: desiredState.fromWire(message.desiredState, `${path}.desiredState`),
    networks: mapRecord(message.networks, (n) => fromProtoNetworkSpec(n)),
    volumes: mapRecord(message.volumes, (v) => fromProtoVolumeSpec(v)),
    secrets: mapRecord(message.secrets, (s) => fromProtoSecretSpec(s)),
    configs: mapRecord(message.configs, (c) => fromProtoConfigSpec(c)),
  };
}
