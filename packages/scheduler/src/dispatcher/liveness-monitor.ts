/**
 * The dispatcher's liveness timers: every heartbeat period / 2 it marks the ready nodes silent
 * for longer than the grace `down` (node-liveness.ts), and records as lost the tasks of down
 * nodes whose lease has run out (lease-expiry.ts). A lease that runs out between two checks gets
 * a timer of its own, so replacements start at grace + fence margin, not up to a check later.
 */
import type { StateStore, StoreTransaction } from '../store/state-store.js';
import type { TasksLost } from './dispatcher-events.js';
import type { DispatcherSettings } from './dispatcher-options.js';
import { keepsRunningWhenDisconnected, leaseExpiredMessage, lostStatus, tasksToGiveUp } from './lease-expiry.js';
import { expiredLeases, nextLeaseExpiry, silenceCountsFrom, silentNodes } from './node-liveness.js';

/** What the monitor needs of its dispatcher. */
export interface LivenessHost {
  store: StateStore;
  settings: Pick<DispatcherSettings, 'now' | 'graceMs' | 'fenceMarginMs' | 'heartbeatPeriodMs'>;
  /** Runs `fn` as one store transaction; false when it failed (the host reported it). */
  write: (nodeId: string | undefined, what: string, fn: (tx: StoreTransaction) => void) => boolean;
  nodesDown: (nodeIds: string[]) => void;
  tasksLost: (event: TasksLost) => void;
}

/** Checks liveness from construction until {@link close}; see the module comment. */
export class LivenessMonitor {
  readonly #host: LivenessHost;
  readonly #checkIntervalMs: number;
  readonly #interval: NodeJS.Timeout;
  /** Fires when a down node's lease runs out before the next check would notice. */
  #leaseTimer: NodeJS.Timeout | undefined;
  #watchingSince: number;
  #lastCheckAt: number;
  #closed = false;

  /** Starts checking at once; silence counts from now at the earliest. */
  constructor(host: LivenessHost) {
    this.#host = host;
    this.#watchingSince = this.#lastCheckAt = host.settings.now();
    this.#checkIntervalMs = Math.max(1, Math.floor(host.settings.heartbeatPeriodMs / 2));
    this.#interval = setInterval(() => this.#check(), this.#checkIntervalMs);
  }

  /** Stops both timers. Idempotent. */
  close(): void {
    this.#closed = true;
    clearInterval(this.#interval);
    clearTimeout(this.#leaseTimer);
  }

  #check(): void {
    const { store, settings } = this.#host;
    const now = settings.now();
    this.#watchingSince = silenceCountsFrom(this.#watchingSince, this.#lastCheckAt, now, this.#checkIntervalMs);
    this.#lastCheckAt = now;
    const silent = silentNodes(store.nodes(), now, settings.graceMs, this.#watchingSince);
    if (silent.length > 0) {
      const ok = this.#host.write(undefined, 'mark silent nodes down', (tx) => {
        for (const nodeId of silent) tx.updateNode(nodeId, { state: 'down' });
      });
      if (ok) this.#host.nodesDown(silent);
    }
    this.#expireLeases(now);
  }

  /**
   * Records as lost the tasks of every down node whose lease has run out (see lease-expiry.ts),
   * one transaction per node; then, when another lease runs out before the next check, arms a
   * timer for that moment.
   */
  #expireLeases(now: number): void {
    if (this.#closed) return;
    const { store, settings } = this.#host;
    const leaseMs = settings.graceMs + settings.fenceMarginMs;
    const nodes = store.nodes();
    for (const { id, silentMs } of expiredLeases(nodes, now, leaseMs, this.#watchingSince)) {
      const lost = tasksToGiveUp(store.tasksOnNode(id), (t) => keepsRunningWhenDisconnected(store, t));
      if (lost.length === 0) continue;
      const node = store.node(id);
      const message = leaseExpiredMessage(node?.name || id, silentMs);
      const ok = this.#host.write(id, 'mark the tasks of a silent node lost', (tx) => {
        for (const t of lost) tx.setTaskStatus(lostStatus(t.status, message, now));
      });
      if (ok) this.#host.tasksLost({ nodeId: id, silentMs, taskIds: lost.map((t) => t.id) });
    }
    clearTimeout(this.#leaseTimer);
    this.#leaseTimer = undefined;
    const next = nextLeaseExpiry(nodes, now, leaseMs, this.#watchingSince);
    if (next !== undefined && next - now < this.#checkIntervalMs) {
      this.#leaseTimer = setTimeout(() => {
        this.#leaseTimer = undefined;
        this.#expireLeases(settings.now());
      }, next - now);
    }
  }
}
