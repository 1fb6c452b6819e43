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
  StackCleanupReport,
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
export {
  loadOrCreateNodeIdentity,
  persistAssignedNodeId,
  readNodeIdentity,
  newNodeId,
  NODE_IDENTITY_FILE,
  type NodeIdentity,
  type NodeIdentityOptions,
} from './identity/node-identity.js';
export { SchedulerLink, type NodeReport, type SchedulerLinkOptions } from './link/scheduler-link.js';
export type { LeaseExpiry, LeaseRenewal, LinkDown, LinkRetry, LinkUp, SchedulerLinkEvents } from './link/scheduler-link-events.js';
export { DEFAULT_LEASE_GRACE_MS, LeaseClock, type LeaseChange } from './link/lease-clock.js';
export {
  DEFAULT_RECONNECT_BACKOFF,
  reconnectDelayMs,
  type ReconnectBackoff,
} from './link/reconnect-delay.js';
export { TestScheduler, waitUntil, type TestSchedulerOptions } from './link/test-scheduler.js';
export { RestartTracker, type RestartDecision, type TaskExit, type ExitReason } from './restart/tracker.js';
export { backoffDelayMs } from './restart/backoff.js';
export { HealthMonitor, type HealthTransition } from './health/monitor.js';
export { systemClock, type Clock, type TimerHandle } from './task/clock.js';
export { FakeClock } from './task/fake-clock.js';
export {
  TaskRunner,
  type FinalStatus,
  type OperationGate,
  type TaskRunnerEvents,
  type TaskRunnerOptions,
} from './task/task-runner.js';
export {
  Supervisor,
  DEFAULT_START_CONCURRENCY,
  type FenceResult,
  type RecoveryReport,
  type SupervisorEvents,
  type SupervisorOptions,
} from './supervisor/supervisor.js';
export type { TaskAssignment, TaskAssignmentSet } from './supervisor/assignments.js';
export { describeFence, FENCE_STOP_GRACE_MS, type FencePlan } from './supervisor/fence.js';
export { toTaskAssignmentSet, type NodeContext } from './supervisor/link-assignments.js';
export { FakeDriver, type FakeCall, type FakeDriverOptions, type FakeRunPlan } from './runtime/fake/fake-driver.js';
export { fakeServiceSpec, fakeTaskDescriptor } from './runtime/fake/fake-task.js';
export { Agent, AGENT_VERSION, type AgentOptions } from './agent.js';
