/**
 * Assignment changes on their way to the agents: the tasks each connected node must hear about
 * are gathered for `batchMs` (a reconcile round writes many tasks in quick succession; one set
 * per node instead of one per write), then handed to `send`, one INCREMENTAL set per node.
 *
 * A big batch goes out over several turns of the event loop, at most `maxPerTurn` tasks' worth
 * of sets per turn (every node's set whole): encoding 100,000 assignments takes about half a
 * second, and heartbeats must not wait behind it. Whatever changes meanwhile joins the nodes'
 * gathered tasks and goes out in a later set.
 */
import type { TaskChange } from '../store/store-events.js';
import { touchedTasks, type TouchedTasks } from './task-changes.js';

/** The most tasks whose incremental sets are sent in one turn of the event loop (~25 ms of encoding). */
export const MAX_ASSIGNMENTS_PER_TURN = 5_000;

/** How an outbox sends and when. */
export interface AssignmentOutboxOptions {
  /** How long changes are gathered before they go out (ms). */
  batchMs: number;
  /** The most tasks sent per turn of the event loop; default {@link MAX_ASSIGNMENTS_PER_TURN}. */
  maxPerTurn?: number;
  /** Sends node `nodeId` an incremental set for `taskIds`. */
  send(nodeId: string, taskIds: ReadonlySet<string>): void;
  /** A send that threw (the rest still go out). */
  failed(nodeId: string, error: unknown): void;
}

/** The per-node changes waiting to go out; see the module comment. */
export class AssignmentOutbox {
  readonly #options: AssignmentOutboxOptions;
  readonly #maxPerTurn: number;
  readonly #touched: TouchedTasks = new Map();
  #due: { cancel(): void } | undefined;

  /** An empty outbox; nothing is scheduled until `gather` finds something to send. */
  constructor(options: AssignmentOutboxOptions) {
    this.#options = options;
    this.#maxPerTurn = options.maxPerTurn ?? MAX_ASSIGNMENTS_PER_TURN;
  }

  /** Whether anything is waiting to go out. */
  get pending(): boolean {
    return this.#touched.size > 0;
  }

  /** Gathers the tasks `changes` concern for the nodes `connected` accepts, and schedules sending them. */
  gather(changes: readonly TaskChange[], connected: (nodeId: string) => boolean): void {
    // Nodes without a stream hear about it in the complete set they get on registering.
    const found = touchedTasks(changes);
    for (const [nodeId, ids] of found) {
      if (!connected(nodeId)) continue;
      const gathered = this.#touched.get(nodeId);
      if (gathered === undefined) this.#touched.set(nodeId, ids);
      else for (const id of ids) gathered.add(id);
    }
    if (this.#touched.size > 0 && this.#due === undefined) {
      const timer = setTimeout(() => this.#sendTurn(), this.#options.batchMs);
      this.#due = { cancel: () => clearTimeout(timer) };
    }
  }

  /** Drops what was gathered for `nodeId`: a complete set covers it, or its stream is gone. */
  forget(nodeId: string): void {
    this.#touched.delete(nodeId);
  }

  /** Sends everything gathered, now. */
  flush(): void {
    this.#cancel();
    this.#send(Infinity);
  }

  /** Cancels what is scheduled; what was gathered is dropped. */
  close(): void {
    this.#cancel();
    this.#touched.clear();
  }

  #cancel(): void {
    this.#due?.cancel();
    this.#due = undefined;
  }

  /** One turn's worth of sets; the rest after the next turn of the event loop. */
  #sendTurn(): void {
    this.#due = undefined;
    this.#send(this.#maxPerTurn);
    if (this.#touched.size > 0) {
      const immediate = setImmediate(() => this.#sendTurn());
      this.#due = { cancel: () => clearImmediate(immediate) };
    }
  }

  /** Sends whole nodes' sets, oldest gathered first, until at least `limit` tasks went out. */
  #send(limit: number): void {
    let sent = 0;
    for (const [nodeId, taskIds] of this.#touched) {
      if (sent >= limit) break;
      this.#touched.delete(nodeId);
      sent += taskIds.size;
      try {
        this.#options.send(nodeId, taskIds);
      } catch (error) {
        this.#options.failed(nodeId, error);
      }
    }
  }
}
