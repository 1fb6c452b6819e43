/**
 * Which nodes have gone silent, pure: a ready node not heard from for longer than the grace
 * is down; a down node not heard from for longer than the grace plus the fence margin has lost
 * its lease (its agent has stopped its tasks by then). Time counts from the later of its last
 * heartbeat and when this dispatcher started watching, so a scheduler restart (heartbeat times
 * loaded from disk are old) gives every node a full grace to reconnect instead of declaring the
 * whole cluster down at once.
 */
import type { NodeRecord } from '../store/store-records.js';

/** What the liveness decision needs of a node. */
export type NodeLiveness = Pick<NodeRecord, 'id' | 'state' | 'lastHeartbeatAt'>;

/** Ids of the `ready` nodes silent for more than `graceMs` at `now` (epoch ms), in input order. */
export function silentNodes(
  nodes: readonly NodeLiveness[],
  now: number,
  graceMs: number,
  watchingSince: number,
): string[] {
  const silent: string[] = [];
  for (const node of nodes) {
    if (node.state !== 'ready') continue;
    if (now - heardAt(node, watchingSince) > graceMs) silent.push(node.id);
  }
  return silent;
}

/** A down node whose lease has run out, and how long it has been silent (ms). */
export interface ExpiredLease {
  id: string;
  silentMs: number;
}

/**
 * The `down` nodes silent for more than `leaseMs` (the grace plus the fence margin) at `now`,
 * in input order; the dispatcher marks their tasks lost.
 */
export function expiredLeases(
  nodes: readonly NodeLiveness[],
  now: number,
  leaseMs: number,
  watchingSince: number,
): ExpiredLease[] {
  const expired: ExpiredLease[] = [];
  for (const node of nodes) {
    if (node.state !== 'down') continue;
    const silentMs = now - heardAt(node, watchingSince);
    if (silentMs > leaseMs) expired.push({ id: node.id, silentMs });
  }
  return expired;
}

/**
 * The earliest moment after `now` at which a `down` node's lease runs out (the first instant
 * {@link expiredLeases} lists it), or undefined when no lease is still running.
 */
export function nextLeaseExpiry(
  nodes: readonly NodeLiveness[],
  now: number,
  leaseMs: number,
  watchingSince: number,
): number | undefined {
  let next: number | undefined;
  for (const node of nodes) {
    if (node.state !== 'down') continue;
    const at = heardAt(node, watchingSince) + leaseMs + 1;
    if (at > now && (next === undefined || at < next)) next = at;
  }
  return next;
}

/** When silence started counting for `node`. */
function heardAt(node: NodeLiveness, watchingSince: number): number {
  return Math.max(node.lastHeartbeatAt, watchingSince);
}

/**
 * When silence starts counting after a liveness check at `now` whose previous check ran at
 * `previousCheckAt`: unchanged normally, but `now` when the checks fell more than two
 * intervals behind. A scheduler that was itself stalled (a long GC, a blocked disk) has not
 * read the heartbeats queued meanwhile and cannot tell a silent node from its own deafness,
 * so every node gets a fresh grace rather than all being declared down at once.
 */
export function silenceCountsFrom(
  watchingSince: number,
  previousCheckAt: number,
  now: number,
  checkIntervalMs: number,
): number {
  return now - previousCheckAt > 2 * checkIntervalMs ? Math.max(watchingSince, now) : watchingSince;
}
