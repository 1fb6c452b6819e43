/**
 * Which store changes can change a reconcile round's outcome. Every node heartbeats once a
 * period and agents report status chatter (restart counts, messages); a round for each of
 * those would cost a full reconcile for nothing, so they do not trigger one. The periodic
 * round still sees everything, so a filter that is too strict delays, never loses, a change.
 */
import type { NodeChange, TaskChange } from '../store/store-events.js';
import type { NodeRecord, TaskRecord } from '../store/store-records.js';

function sameJson(a: unknown, b: unknown): boolean {
  return a === b || JSON.stringify(a) === JSON.stringify(b);
}

/** Whether two versions of a node differ in anything but their heartbeat bookkeeping. */
function nodeDiffers(a: NodeRecord, b: NodeRecord): boolean {
  return (
    a.state !== b.state ||
    a.availability !== b.availability ||
    a.role !== b.role ||
    a.name !== b.name ||
    a.address !== b.address ||
    a.cpus !== b.cpus ||
    a.memoryBytes !== b.memoryBytes ||
    !sameJson(a.labels, b.labels) ||
    !sameJson(a.drivers, b.drivers)
  );
}

/**
 * Whether two versions of a task differ in what reconcile and placement read: identity,
 * desired state, node, pending reason, and of the status the state, health, exit code
 * (`depends_on`, lost tasks, slot ranking) and bound ports (port claims).
 */
function taskDiffers(a: TaskRecord, b: TaskRecord): boolean {
  return (
    a.desired !== b.desired ||
    a.nodeId !== b.nodeId ||
    a.pendingReason !== b.pendingReason ||
    a.specHash !== b.specHash ||
    a.generation !== b.generation ||
    a.slot !== b.slot ||
    a.forNode !== b.forNode ||
    a.stack !== b.stack ||
    a.service !== b.service ||
    a.status.state !== b.status.state ||
    a.status.health !== b.status.health ||
    a.status.exitCode !== b.status.exitCode ||
    !sameJson(a.status.ports, b.status.ports)
  );
}

/** True when a node change needs a round: registered, removed, or changed beyond a heartbeat. */
export function nodeChangeMatters(change: NodeChange): boolean {
  if (change.node === undefined || change.previous === undefined) return true;
  return nodeDiffers(change.node, change.previous);
}

/** True when any of a transaction's task changes needs a round. */
export function taskChangesMatter(changes: readonly TaskChange[]): boolean {
  return changes.some((c) => c.task === undefined || c.previous === undefined || taskDiffers(c.task, c.previous));
}
