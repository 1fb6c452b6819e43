/** @berth/api: shared domain types, errors and (generated) wire code. */
export * from './domain.js';
export * as wire from './wire.js';
export {
  toProtoStackSpec,
  fromProtoStackSpec,
  toProtoNetworkSpec,
  fromProtoNetworkSpec,
  toProtoVolumeSpec,
  fromProtoVolumeSpec,
  toProtoSecretSpec,
  fromProtoSecretSpec,
  toProtoConfigSpec,
  fromProtoConfigSpec,
} from './convert/stack-spec.js';
export { toProtoServiceSpec, fromProtoServiceSpec } from './convert/service-spec.js';
export { toProtoTaskStatus, fromProtoTaskStatus } from './convert/task-status.js';
export {
  toProtoNodeInfo,
  fromProtoNodeInfo,
  toProtoDriverStatus,
  fromProtoDriverStatus,
  nodeAvailabilityMapping,
} from './convert/node-info.js';
export { fromProtoAssignmentSet, toProtoAssignmentSet } from './convert/assignment.js';
export {
  fromProtoAgentMessage,
  toProtoAgentMessage,
  type AgentMessage,
  type AgentRegistration,
} from './convert/agent-message.js';
export {
  fromProtoSchedulerMessage,
  toProtoSchedulerMessage,
  type HeartbeatAck,
  type RegisterAck,
  type SchedulerMessage,
} from './convert/scheduler-message.js';
