/**
 * How berth names and labels what it creates in the Docker engine: containers, stack networks,
 * named volumes and images built for a service. Pure; the labels are how a restarted agent
 * finds its containers again (`recover`), so their keys are part of berth's on-node contract.
 */
import type { TaskRef } from '../runtime.js';

/** Label keys berth puts on containers (and, for the stack, on networks and volumes). */
export const BERTH_LABELS = Object.freeze({
  stack: 'io.berth.stack',
  service: 'io.berth.service',
  task: 'io.berth.task',
  node: 'io.berth.node',
  slot: 'io.berth.slot',
  network: 'io.berth.network',
  volume: 'io.berth.volume',
});

/** How many characters of the task id go into a container name. */
const SHORT_TASK_ID_LENGTH = 12;

/**
 * `<stack>-<service>-<slot>-<short task id>`. The short id is the task id's last 12 letters
 * and digits: the tail is the random part of UUIDs, ULIDs and time-ordered ids alike, whose
 * heads are shared by tasks created in the same millisecond.
 */
export function containerName(ref: TaskRef): string {
  const compact = ref.taskId.replace(/[^a-zA-Z0-9]/g, '');
  const short = compact.slice(-SHORT_TASK_ID_LENGTH) || 'task';
  return sanitizeName(`${ref.stack}-${ref.service}-${ref.slot}-${short}`);
}

/** The labels that tie a container to its task: berth's keys win over any service label. */
export function taskLabels(ref: TaskRef): Record<string, string> {
  return {
    [BERTH_LABELS.stack]: ref.stack,
    [BERTH_LABELS.service]: ref.service,
    [BERTH_LABELS.task]: ref.taskId,
    [BERTH_LABELS.node]: ref.nodeId,
    [BERTH_LABELS.slot]: String(ref.slot),
  };
}

/** Reads a TaskRef back from a container's labels; undefined when one is missing or odd. */
export function taskRefFromLabels(labels: Readonly<Record<string, string>>): TaskRef | undefined {
  const stack = labels[BERTH_LABELS.stack];
  const service = labels[BERTH_LABELS.service];
  const taskId = labels[BERTH_LABELS.task];
  const nodeId = labels[BERTH_LABELS.node];
  const slotText = labels[BERTH_LABELS.slot];
  if (!stack || !service || !taskId || !nodeId || slotText === undefined) return undefined;
  const slot = Number(slotText);
  if (!Number.isInteger(slot) || slot < 0) return undefined;
  return { stack, service, taskId, nodeId, slot };
}

/** The engine name of a stack-level network or volume the stack file did not name itself. */
export function stackScopedName(stack: string, key: string): string {
  return `${stack}_${key}`;
}

/** The image a service runs: its `image`, or `<stack>-<service>` (as Compose) for a build. */
export function serviceImage(stack: string, service: string, image: string | undefined): string {
  return image ?? `${stack}-${service}`.toLowerCase();
}

/** The engine accepts `[a-zA-Z0-9][a-zA-Z0-9_.-]*` as a container name. */
function sanitizeName(name: string): string {
  const cleaned = name.replace(/[^a-zA-Z0-9_.-]/g, '_');
  return /^[a-zA-Z0-9]/.test(cleaned) ? cleaned : `b${cleaned}`;
}
