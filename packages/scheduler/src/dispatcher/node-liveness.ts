/**
 * Which nodes have gone silent, pure: a ready node not heard from for longer than the grace
 * is down. Time counts from the later of its last heartbeat and when this dispatcher started
 * watching, so a scheduler restart (heartbeat times loaded from disk are old) gives every
 * node a full grace to reconnect instead of declaring the whole cluster down at once.
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
    const heardAt = Math.max(node.lastHeartbeatAt, watchingSince);
    if (now - heardAt > graceMs) silent.push(node.id);
  }
  return silent;
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
