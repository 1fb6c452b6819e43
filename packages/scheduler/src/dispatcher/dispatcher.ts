/**
 * The dispatcher: the scheduler's end of every agent's Agent.Connect stream. It is the only
 * part of the scheduler that talks to agents, and like the others it talks to the rest of the
 * scheduler only through the store.
 *
 *   agent ── Register ──────▶ putNode (ready) + reported statuses ─▶ RegisterAck, COMPLETE set
 *         ── Heartbeat ─────▶ store.heartbeat ─────────────────────▶ HeartbeatAck (lease)
 *         ── StatusBatch ───▶ setTaskStatus × n, one transaction
 *         ◀─ INCREMENTAL set ◀── task-changed events, gathered for batchMs, per node
 *                                    (assignment-outbox.ts; a big batch over several turns)
 *   timer (period / 2, liveness-monitor.ts): ready nodes silent for longer than the grace ─▶ updateNode (down)
 *          down nodes silent for longer than grace + fence margin ─▶ their tasks `lost`
 *   node removed (node rm) ─▶ empty COMPLETE set, then its stream ends (PERMISSION_DENIED)
 *
 * One stream per node: a node that registers again (a new stream) replaces its old stream and
 * gets a fresh complete set. A stream that ends does not make its node down; only silence for
 * the grace does, so a blip shorter than the grace changes nothing.
 *
 * Leases: a node's agent stops its own tasks once it has gone the grace without an acknowledged
 * heartbeat, so after grace + `fenceMarginMs` of silence the dispatcher records them `lost` (see
 * lease-expiry.ts) and reconcile replaces them; a task runs twice only when its service keeps
 * running when disconnected (reconcile moves those as soon as the node is down) or its agent
 * could not fence (frozen). A node heard from again before then loses nothing, and a node back
 * from down on the same stream gets a fresh complete set.
 *
 * Host it on any grpc-js Server: `server.addService(wire.AgentService, dispatcher.service)`.
 */
import { status } from '@grpc/grpc-js';
import { EventEmitter } from 'eventemitter3';
import {
  BerthError,
  type AgentMessage,
  type AgentRegistration,
  type LogChunk,
  type LogRequest,
  type TaskStatus,
  type wire,
} from '@berth/api';
import type { StateStore, StoreTransaction } from '../store/state-store.js';
import type { NodeChange, TaskChangeBatch } from '../store/store-events.js';
import { AgentSession, type AgentCall, type AgentSessionHandlers } from './agent-session.js';
import { AssignmentOutbox } from './assignment-outbox.js';
import { completeAssignmentSet, incrementalAssignmentSet, type BuiltAssignmentSet } from './assignment-sets.js';
import type { DispatcherEvents } from './dispatcher-events.js';
import { dispatcherSettings, type DispatcherOptions, type DispatcherSettings } from './dispatcher-options.js';
import { acceptsReport } from './lease-expiry.js';
import { LivenessMonitor } from './liveness-monitor.js';
import { removedNodeEnd, type AuthorizeStream } from './stream-authorization.js';
import { OpenLogRequests } from './open-log-requests.js';

/** What to ask an agent for: the LogRequest without the ids the dispatcher fills in. */
export type LogOptions = Partial<Pick<LogRequest, 'tail' | 'follow' | 'since'>>;

/** The scheduler's side of the agent streams; see the module comment. */
export class Dispatcher extends EventEmitter<DispatcherEvents> {
  /** The Agent service implementation to add to a grpc-js Server. */
  readonly service: wire.AgentServer;
  /** The options in force, with the grace worked out. */
  readonly settings: DispatcherSettings;
  readonly #store: StateStore;
  readonly #handlers: AgentSessionHandlers;
  readonly #authorize: AuthorizeStream | undefined;
  /** Every open stream, registered or not, so close() can end them all. */
  readonly #streams = new Set<AgentSession>();
  /** The registered stream of each connected node. */
  readonly #nodes = new Map<string, AgentSession>();
  /** Revision of the last set sent to each node; kept across its streams so revisions only grow. */
  readonly #revisions = new Map<string, number>();
  readonly #logs = new OpenLogRequests<AgentSession>();
  readonly #outbox: AssignmentOutbox;
  readonly #liveness: LivenessMonitor;
  #closed = false;

  /** Starts watching `store` and checking liveness at once; serves streams once hosted. Call close() to stop. */
  constructor(store: StateStore, options: DispatcherOptions = {}) {
    super();
    this.settings = dispatcherSettings(options);
    this.#store = store;
    this.#authorize = options.authorize;
    this.#handlers = {
      message: (session, message) => this.#receive(session, message),
      undecodable: (session, error) =>
        this.#problem(`skipped a message from ${session.peer} that cannot be decoded`, session.nodeId, error),
      closed: (session, why) => this.#streamClosed(session, why),
    };
    this.service = { connect: (call: AgentCall) => this.#accept(call) };
    this.#outbox = new AssignmentOutbox({
      batchMs: this.settings.batchMs,
      send: (nodeId, taskIds) => this.#sendChanges(nodeId, taskIds),
      failed: (nodeId, error) => this.#problem('cannot send assignment changes', nodeId, error),
    });
    store.on('task-changed', this.#onTaskChanged);
    store.on('node-changed', this.#onNodeChanged);
    this.#liveness = new LivenessMonitor({
      store,
      settings: this.settings,
      write: (nodeId, what, fn) => this.#write(nodeId, what, fn),
      nodesDown: (nodeIds) => this.emit('nodesDown', nodeIds),
      tasksLost: (event) => this.emit('tasksLost', event),
    });
  }

  /** Ids of the nodes with a registered stream right now. */
  connectedNodes(): string[] {
    return [...this.#nodes.keys()];
  }

  /**
   * The output of task `taskId`, asked of the agent running it: yields the chunks it sends, the
   * eof chunk last. Throws BerthError NOT_FOUND (no such task, or it has no node), UNAVAILABLE
   * (its node is not connected, or its stream went away meanwhile), or the agent's code when it
   * cannot serve the request. Aborting `signal` (or leaving the loop early) tells the agent to
   * stop and ends the iteration without an error. Nothing is asked until iteration starts.
   */
  requestLogs(taskId: string, options: LogOptions = {}, signal?: AbortSignal): AsyncIterable<LogChunk> {
    return this.#streamLogs(taskId, options, signal);
  }

  /**
   * Tells every connected node to delete what it still holds of removed stack `stack` (its
   * networks, and its named volumes with `removeVolumes`); returns how many nodes were told. A
   * node that is not connected now is not told later: what it still holds stays.
   */
  cleanupStack(stack: string, options: { removeVolumes: boolean }): number {
    // Assignment changes still being gathered (the stack's removals among them) go first, so on
    // each stream the cleanup comes after them.
    this.#outbox.flush();
    let told = 0;
    for (const session of this.#nodes.values()) {
      if (session.send({ kind: 'stackCleanup', cleanup: { stack, removeVolumes: options.removeVolumes } })) told += 1;
    }
    return told;
  }

  /** Stops watching and checking, and ends every stream (UNAVAILABLE, so agents redial). Idempotent. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    this.#liveness.close();
    this.#outbox.close();
    this.#store.off('task-changed', this.#onTaskChanged);
    this.#store.off('node-changed', this.#onNodeChanged);
    for (const session of [...this.#streams]) session.end(status.UNAVAILABLE, 'the scheduler is shutting down');
  }

  // ---- streams

  #accept(call: AgentCall): void {
    if (this.#closed) {
      call.emit('error', { code: status.UNAVAILABLE, details: 'the scheduler is shutting down' });
      return;
    }
    this.#streams.add(new AgentSession(call, this.#handlers));
  }

  #receive(session: AgentSession, message: AgentMessage): void {
    const nodeId = session.nodeId;
    if (nodeId === undefined) {
      if (message.kind === 'register') this.#register(session, message.registration);
      else session.end(status.FAILED_PRECONDITION, `the first message must be Register, not ${message.kind}`);
      return;
    }
    switch (message.kind) {
      case 'register':
        session.end(status.FAILED_PRECONDITION, 'Register was already received on this stream');
        return;
      case 'heartbeat':
        this.#heartbeat(session, nodeId, message.seq);
        return;
      case 'statusBatch':
        this.#write(nodeId, 'record task statuses', (tx) => recordStatuses(tx, nodeId, message.statuses));
        return;
      case 'logChunk':
        this.#logs.chunk(session, message.chunk);
        return;
      case 'logError':
        this.#logs.failure(session, message.failure);
        return;
    }
  }

  #register(session: AgentSession, registration: AgentRegistration): void {
    // Before anything is written: a refused stream leaves no trace in the store.
    const verdict = this.#authorize?.(session, registration.nodeId);
    if (verdict !== undefined && !verdict.ok) {
      const peer = session.peer;
      session.end(status[verdict.code], verdict.message);
      this.emit('refused', { peer, nodeId: registration.nodeId, code: verdict.code, message: verdict.message });
      return;
    }
    const nodeId = registration.nodeId !== '' ? registration.nodeId : this.settings.newId();
    const ok = this.#write(nodeId, 'register the node', (tx) => {
      const stored = tx.node(nodeId);
      tx.putNode(
        {
          id: nodeId,
          name: registration.name,
          address: registration.address,
          state: 'ready',
          // Set by an operator (drain, pause) or by cluster join (role): a reconnect keeps them.
          availability: stored?.availability ?? 'active',
          role: stored?.role ?? 'worker',
          labels: withOperatorLabels(registration.labels, stored?.operatorLabels),
          ...(stored?.operatorLabels !== undefined ? { operatorLabels: stored.operatorLabels } : {}),
          cpus: registration.cpus,
          memoryBytes: registration.memoryBytes,
          drivers: registration.drivers,
        },
        this.settings.now(),
      );
      recordStatuses(tx, nodeId, registration.tasks);
    });
    if (!ok) {
      session.end(status.UNAVAILABLE, `cannot register node ${nodeId} now; try again`);
      return;
    }
    // A store listener may have ended the stream meanwhile (the scheduler shutting down).
    if (!session.open) return;
    session.nodeId = nodeId;
    const replaced = this.#nodes.get(nodeId);
    this.#nodes.set(nodeId, session);
    replaced?.end(status.ABORTED, `replaced by a newer stream for node ${nodeId}`);
    const { heartbeatPeriodMs, graceMs } = this.settings;
    session.send({ kind: 'registerAck', ack: { nodeId, heartbeatPeriodMs, graceMs } });
    // The revision continues past what the agent applied, in case this scheduler restarted.
    const revision = Math.max(this.#revisions.get(nodeId) ?? 0, registration.appliedRevision) + 1;
    const built = completeAssignmentSet(this.#store, nodeId, revision);
    // The complete set covers every change gathered for the node so far.
    this.#outbox.forget(nodeId);
    this.#sendSet(session, nodeId, built);
    this.emit('registered', { nodeId, peer: session.peer, revision, assignments: built.set.assignments.length });
  }

  #heartbeat(session: AgentSession, nodeId: string, seq: number): void {
    const now = this.settings.now();
    let known = false;
    let revived = false;
    const ok = this.#write(nodeId, 'record a heartbeat', (tx) => {
      const node = tx.heartbeat(nodeId, now);
      known = node !== undefined;
      // Marked down while its stream stayed open (a partition that healed): it is back.
      if (node?.state === 'down') {
        tx.updateNode(nodeId, { state: 'ready' });
        revived = true;
      }
    });
    if (!ok) return;
    if (!known) {
      session.end(status.NOT_FOUND, `node ${nodeId} was removed from the scheduler; register again`);
      return;
    }
    session.send({ kind: 'heartbeatAck', ack: { seq, leaseExpiresAt: now + this.settings.graceMs } });
    if (revived && this.#nodes.get(nodeId) === session) this.#resendComplete(session, nodeId);
  }

  #streamClosed(session: AgentSession, why: string): void {
    this.#streams.delete(session);
    const nodeId = session.nodeId;
    this.#logs.streamGone(session, `the stream of node ${nodeId ?? session.peer} went away: ${why}`);
    if (nodeId === undefined) return;
    if (this.#nodes.get(nodeId) === session) {
      this.#nodes.delete(nodeId);
      this.#outbox.forget(nodeId);
    }
    this.emit('disconnected', { nodeId, why });
  }

  /**
   * A node removed from the store (`berth node rm`) while its stream is up is cut off now, not
   * at its next heartbeat: it first gets an empty complete set, so its agent stops its tasks at
   * once (reconcile places them elsewhere right away), then the stream ends (PERMISSION_DENIED:
   * its id is revoked), and its agent's redials are refused at Register.
   */
  readonly #onNodeChanged = (change: NodeChange): void => {
    if (change.node !== undefined) return;
    const session = this.#nodes.get(change.id);
    if (session === undefined) return;
    // The store hands a listener's error to whoever wrote: this must not throw.
    try {
      const revision = (this.#revisions.get(change.id) ?? 0) + 1;
      this.#sendSet(session, change.id, { set: { kind: 'complete', revision, assignments: [], removedTaskIds: [] }, unbuildable: [] });
      const end = removedNodeEnd(this.#authorize?.(session, change.id), change.id);
      session.end(status[end.code], end.message);
    } catch (error) {
      this.#problem('cannot end the stream of a removed node', change.id, error);
    }
  };

  // ---- assignments

  readonly #onTaskChanged = (batch: TaskChangeBatch): void => {
    // The store hands a listener's error to whoever wrote: this must not throw.
    try {
      if (this.#nodes.size === 0) return;
      this.#outbox.gather(batch.changes, (nodeId) => this.#nodes.has(nodeId));
    } catch (error) {
      this.#problem('cannot follow task changes', undefined, error);
    }
  };

  /** Sends `nodeId` (if still connected) an incremental set for the tasks in `taskIds`. */
  #sendChanges(nodeId: string, taskIds: ReadonlySet<string>): void {
    const session = this.#nodes.get(nodeId);
    if (session === undefined) return;
    const revision = (this.#revisions.get(nodeId) ?? 0) + 1;
    this.#sendSet(session, nodeId, incrementalAssignmentSet(this.#store, nodeId, taskIds, revision));
  }

  #sendSet(session: AgentSession, nodeId: string, built: BuiltAssignmentSet): void {
    if (session.send({ kind: 'assignmentSet', set: built.set })) this.#revisions.set(nodeId, built.set.revision);
    if (built.unbuildable.length > 0) {
      this.#problem(`tasks ${built.unbuildable.join(', ')} refer to a stack or service the store does not have; not sent`, nodeId);
    }
  }

  /** Sends `nodeId` (back from down on this stream) a complete set: its tasks may have moved, or been fenced by its agent. */
  #resendComplete(session: AgentSession, nodeId: string): void {
    const built = completeAssignmentSet(this.#store, nodeId, (this.#revisions.get(nodeId) ?? 0) + 1);
    this.#outbox.forget(nodeId);
    this.#sendSet(session, nodeId, built);
  }

  // ---- logs

  async *#streamLogs(taskId: string, options: LogOptions, signal: AbortSignal | undefined): AsyncGenerator<LogChunk, void, undefined> {
    if (signal?.aborted) return;
    const task = this.#store.task(taskId);
    if (task === undefined) throw new BerthError('NOT_FOUND', `task ${taskId} not found`, { context: { taskId } });
    const nodeId = task.nodeId;
    if (nodeId === undefined) {
      throw new BerthError('NOT_FOUND', `task ${taskId} has not been placed on a node, so it has no logs`, { context: { taskId } });
    }
    const session = this.#nodes.get(nodeId);
    if (session === undefined) {
      throw new BerthError('UNAVAILABLE', `node ${nodeId}, which runs task ${taskId}, is not connected`, { context: { taskId, nodeId } });
    }
    const requestId = this.settings.newId();
    const request: LogRequest = { requestId, taskId, follow: options.follow ?? false };
    if (options.tail !== undefined) request.tail = options.tail;
    if (options.since !== undefined) request.since = options.since;
    // Registered before sending, so a stream failing on the send still ends the request.
    const queue = this.#logs.open(requestId, session);
    session.send({ kind: 'logRequest', request });
    try {
      yield* queue.read(signal);
    } finally {
      this.#logs.close(requestId);
      // The reader left early (abort, break, error): the agent would stream on for nobody.
      if (!queue.ended) session.send({ kind: 'logCancel', requestId });
    }
  }

  // ---- helpers

  /** Runs `fn` as one store transaction; false (and a problem event) when it throws. */
  #write(nodeId: string | undefined, what: string, fn: (tx: StoreTransaction) => void): boolean {
    try {
      this.#store.transaction(fn);
      return true;
    } catch (error) {
      this.#problem(`cannot ${what}`, nodeId, error);
      return false;
    }
  }

  #problem(message: string, nodeId?: string, error?: unknown): void {
    this.emit('problem', {
      message,
      ...(nodeId !== undefined ? { nodeId } : {}),
      ...(error !== undefined ? { error } : {}),
    });
  }
}

/**
 * Records an agent's statuses for the tasks the store has on `nodeId`. A status for a task the
 * store does not know (the complete set stops it) or has elsewhere (a stale copy) is dropped, and
 * so is one that would revive a task the scheduler gave up on (`acceptsReport`).
 */
function recordStatuses(tx: StoreTransaction, nodeId: string, statuses: readonly TaskStatus[]): void {
  for (const reported of statuses) {
    if (acceptsReport(tx.task(reported.taskId), nodeId, reported)) tx.setTaskStatus(reported);
  }
}

/** The agent's labels with an operator's changes (`berth node update`) applied on top. */
function withOperatorLabels(
  agentLabels: Readonly<Record<string, string>>,
  overrides: Readonly<Record<string, string | null>> | undefined,
): Record<string, string> {
  const labels = { ...agentLabels };
  for (const [key, value] of Object.entries(overrides ?? {})) {
    if (value === null) delete labels[key];
    else labels[key] = value;
  }
  return labels;
}
