/** Conversions between the domain TaskStatus and berth.v1.TaskStatus. */
import * as w from '../gen/berth/v1/task.js';
import {
  TASK_STATES,
  type BoundPort,
  type HealthState,
  type TaskState,
  type TaskStatus,
} from '../spec/task.js';
import { portProtocolMapping } from './service-spec.js';
import { enumMapping, requireMessage, withoutUndefined } from './wire-fields.js';

/** TaskState ↔ wire TaskState. */
export const taskStateMapping = enumMapping<TaskState, w.TaskState>('TaskState', {
  pending: w.TaskState.PENDING,
  assigned: w.TaskState.ASSIGNED,
  preparing: w.TaskState.PREPARING,
  starting: w.TaskState.STARTING,
  running: w.TaskState.RUNNING,
  exited: w.TaskState.EXITED,
  failed: w.TaskState.FAILED,
  stopped: w.TaskState.STOPPED,
  lost: w.TaskState.LOST,
});

const healthState = enumMapping<HealthState, w.HealthState>('HealthState', {
  none: w.HealthState.NONE,
  starting: w.HealthState.STARTING,
  healthy: w.HealthState.HEALTHY,
  unhealthy: w.HealthState.UNHEALTHY,
});

/** The wire form of a task status; state times are listed in life-cycle order so output is stable. */
export function toProtoTaskStatus(status: TaskStatus): w.TaskStatus {
  return {
    taskId: status.taskId,
    state: taskStateMapping.toWire(status.state),
    health: healthState.toWire(status.health),
    exitCode: status.exitCode,
    message: status.message,
    restarts: status.restarts,
    runtimeId: status.runtimeId,
    stateTimes: TASK_STATES.flatMap((state) => {
      const at = status.stateTimes[state];
      return at === undefined ? [] : [{ state: taskStateMapping.toWire(state), time: new Date(at) }];
    }),
    ports: status.ports.map((p) => ({
      target: p.target,
      published: p.published,
      hostIp: p.hostIp,
      protocol: portProtocolMapping.toWire(p.protocol),
    })),
  };
}

/** The domain form of a wire task status; throws BerthError INTERNAL on unknown enums or missing times. */
export function fromProtoTaskStatus(message: w.TaskStatus, path = 'taskStatus'): TaskStatus {
  const stateTimes: Partial<Record<TaskState, number>> = {};
  message.stateTimes.forEach((entry, i) => {
    const at = `${path}.stateTimes[${i}]`;
    stateTimes[taskStateMapping.fromWire(entry.state, `${at}.state`)] = requireMessage(
      entry.time,
      `${at}.time`,
    ).getTime();
  });
  return withoutUndefined<TaskStatus>({
    taskId: message.taskId,
    state: taskStateMapping.fromWire(message.state, `${path}.state`),
    health: healthState.fromWire(message.health, `${path}.health`),
    exitCode: message.exitCode,
    message: message.message,
    restarts: message.restarts,
    runtimeId: message.runtimeId,
    stateTimes,
    ports: message.ports.map(
      (p, i): BoundPort => ({
        target: p.target,
        published: p.published,
        hostIp: p.hostIp,
        protocol: portProtocolMapping.fromWire(p.protocol, `${path}.ports[${i}].protocol`),
      }),
    ),
  });
}
