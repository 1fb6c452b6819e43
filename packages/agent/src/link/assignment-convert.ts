/**
 * AssignmentSet ↔ berth.v1.AssignmentSet. Lives beside the link because @berth/api has no
 * converter for it yet; the scheduler will need `toProtoAssignmentSet` too (move it then).
 */
import {
  fromProtoConfigSpec,
  fromProtoNetworkSpec,
  fromProtoSecretSpec,
  fromProtoServiceSpec,
  fromProtoVolumeSpec,
  toProtoConfigSpec,
  toProtoNetworkSpec,
  toProtoSecretSpec,
  toProtoServiceSpec,
  toProtoVolumeSpec,
  wire,
  type DesiredTaskState,
} from '@berth/api';
import type { Assignment, AssignmentSet, AssignmentSetKind } from './assignment.js';
import { mapValues, requireField, wireEnum } from './wire-fields.js';

const setKind = wireEnum<AssignmentSetKind, wire.AssignmentSetKind>('AssignmentSetKind', {
  complete: wire.AssignmentSetKind.COMPLETE,
  incremental: wire.AssignmentSetKind.INCREMENTAL,
});

const desiredState = wireEnum<DesiredTaskState, wire.DesiredState>('DesiredState', {
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
    networks: mapValues(assignment.networks, toProtoNetworkSpec),
    volumes: mapValues(assignment.volumes, toProtoVolumeSpec),
    secrets: mapValues(assignment.secrets, toProtoSecretSpec),
    configs: mapValues(assignment.configs, toProtoConfigSpec),
  };
}

function fromProtoAssignment(message: wire.Assignment, path: string): Assignment {
  return {
    taskId: message.taskId,
    stack: message.stack,
    service: message.service,
    slot: message.slot,
    spec: fromProtoServiceSpec(requireField(message.spec, `${path}.spec`), `${path}.spec`),
    desired: desiredState.fromWire(message.desiredState, `${path}.desiredState`),
    networks: mapValues(message.networks, (n) => fromProtoNetworkSpec(n)),
    volumes: mapValues(message.volumes, (v) => fromProtoVolumeSpec(v)),
    secrets: mapValues(message.secrets, (s) => fromProtoSecretSpec(s)),
    configs: mapValues(message.configs, (c) => fromProtoConfigSpec(c)),
  };
}
