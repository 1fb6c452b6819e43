/** @berth/agent */
export { createDockerClient, pingDocker, type DockerPing } from './runtime/docker/docker-client.js';
export type {
  DriverAvailability,
  ExecResult,
  ExitResult,
  LogEntry,
  LogOptions,
  RecoveredWorkload,
  RuntimeDriver,
  TaskDescriptor,
  TaskRef,
  WorkloadHandle,
} from './runtime/runtime.js';
export { DockerDriver, type DockerDriverOptions } from './runtime/docker/docker-driver.js';
export {
  subscribeContainerEvents,
  type ContainerEvent,
  type ContainerEventFilter,
  type ContainerEventKind,
  type ContainerEventStream,
} from './runtime/docker/docker-events.js';
export { ProcessDriver, type ProcessDriverOptions } from './runtime/process/process-driver.js';
