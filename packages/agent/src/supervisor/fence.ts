/**
 * Fencing, pure: what an agent stops when its lease runs out, and the one log line that says so.
 *
 * The scheduler replaces a silent node's tasks only after the grace plus a margin; the agent's
 * lease runs out at the latest at the grace, so stopping the tasks then (quickly: at most
 * {@link FENCE_STOP_GRACE_MS} each) means a replacement never starts while the old copy runs.
 * Services with `x-berth.keep_running_when_disconnected` chose availability over that: they are
 * left running (and the scheduler replaces them as soon as the node is down).
 *
 * A fenced task is held stopped (its desired state becomes `stop` on the node) until an
 * assignment set says to run it again: its restart policy does not bring it back. Tasks that
 * already ended for good, are meant to be stopped, or could not be recovered are left alone.
 */
import type { ServiceSpec } from '@berth/api';

/**
 * The longest stop grace a fence gives a task (ms): its `stop_grace_period` when shorter. It
 * must stay well inside the scheduler's fence margin (1 s), which has to cover this stop.
 */
export const FENCE_STOP_GRACE_MS = 500;

/** What the fence needs to know of one task on the node. */
export interface FenceCandidate {
  taskId: string;
  spec: Pick<ServiceSpec, 'berth'>;
  /** The desired state the node enforces now. */
  desiredState: 'run' | 'stop';
  /** The task ended for good (gave up, exited without restart): nothing runs. */
  ended: boolean;
  /** Not started because its driver could not be recovered: the agent holds no workload to stop. */
  held: boolean;
}

/** Which tasks a fence stops, and which it leaves running because their service asked for it. */
export interface FencePlan {
  stop: string[];
  keepRunning: string[];
}

/** Splits the node's tasks for a fence (see the module comment). */
export function planFence(tasks: Iterable<FenceCandidate>): FencePlan {
  const plan: FencePlan = { stop: [], keepRunning: [] };
  for (const t of tasks) {
    if (t.desiredState !== 'run' || t.ended || t.held) continue;
    if (t.spec.berth.keepRunningWhenDisconnected) plan.keepRunning.push(t.taskId);
    else plan.stop.push(t.taskId);
  }
  return plan;
}

/** The stop grace a fence gives a task of `spec` (ms). */
export function fenceStopGraceMs(spec: Pick<ServiceSpec, 'stopGracePeriodMs'>): number {
  return Math.min(spec.stopGracePeriodMs, FENCE_STOP_GRACE_MS);
}

/** What the link says about the lease that ran out (see `LeaseExpiry`). */
export interface ExpiredLease {
  /** How long ago the last acknowledged heartbeat (or the agent's start) was sent (ms). */
  sinceAcknowledgedMs: number;
  /** False when nothing was ever acknowledged: the lease ran from the agent's start. */
  acknowledged: boolean;
}

/**
 * The log line of one fence: `lease expired 3.0 s after the last acknowledged heartbeat: stopped
 * 4 tasks (2 keep running: keep_running_when_disconnected)`.
 */
export function describeFence(lease: ExpiredLease, plan: FencePlan): string {
  const since = `${(lease.sinceAcknowledgedMs / 1000).toFixed(1)} s after ${lease.acknowledged ? 'the last acknowledged heartbeat' : 'the agent started (nothing acknowledged yet)'}`;
  const stopped = `stopped ${plan.stop.length} ${plan.stop.length === 1 ? 'task' : 'tasks'}`;
  const kept = plan.keepRunning.length === 0 ? '' : ` (${plan.keepRunning.length} keep running: keep_running_when_disconnected)`;
  return `lease expired ${since}: ${stopped}${kept}`;
}
