/**
 * The scheduler's Control service (CLI ↔ scheduler) over the state store. It writes desired
 * state (deploy, scale, remove) and reads what the other parts wrote; it never calls the
 * reconciler or the dispatcher: they watch the store. Logs come through the injected
 * `requestLogs`, and a removed stack's leftovers on the nodes are deleted through the injected
 * `cleanupStack` (both the dispatcher's), so this module does not depend on the dispatcher.
 *
 * Requests are converted to domain values on the way in and answers on the way out; every
 * error leaves as a gRPC status carrying its BerthError code (see `grpc-errors.ts`).
 */
import { Metadata, type sendUnaryData, type ServerUnaryCall, type ServerWritableStream, type UntypedHandleCall } from '@grpc/grpc-js';
import { BerthError, fromProtoStackSpec, isBerthError, nodeAvailabilityMapping, toProtoNodeInfo, wire, type StackSpec } from '@berth/api';
import type { StateStore } from '../store/state-store.js';
import { requireAuthority, type ControlAuthority } from './control-authority.js';
import { planDeploy } from './deploy-plan.js';
import { toStatusError } from './grpc-errors.js';
import { fanInLogs, type RequestLogs, type TaskLogFailure } from './log-fan-in.js';
import { nodeLoads } from './node-loads.js';
import { checkNodeRemoval, nodeUpdatePatch, resolveNode } from './node-ops.js';
import { planScale } from './scale-plan.js';
import { failStream, msUntilDeadline, OpenStreams, writeWithBackpressure } from './server-streams.js';
import { waitForStackSettled } from './stack-settled.js';
import { stackInvalidError, stackProblems } from './stack-validation.js';
import { watchStoreEvents } from './store-event-feed.js';
import { listTasks, nodeInfo, requireStack, serviceSummaries, sortedNodes, stackSummaries, compareTasks } from './store-views.js';
import { toProtoEvent, toProtoLogLine } from './stream-wire.js';
import { toProtoNodeLoad, toProtoServiceChange, toProtoServiceSummary, toProtoStackSummary, toProtoTask } from './view-wire.js';

/** Tells every connected node to delete a removed stack's networks (and volumes); returns how many were told. */
export type CleanupStack = (stack: string, options: { removeVolumes: boolean }) => number;

/** What a {@link ControlApi} works with. */
export interface ControlApiOptions {
  store: StateStore;
  /** One task's log stream (the dispatcher's `requestLogs`). */
  requestLogs: RequestLogs;
  /** Tells the nodes to delete what they hold of a removed stack (the dispatcher's `cleanupStack`). */
  cleanupStack: CleanupStack;
  /** One line per notable event (a remove whose tasks did not all stop in time); default: dropped. */
  log?: (line: string) => void;
  /** Epoch ms for event times and undated log output; default `Date.now`. */
  now?: () => number;
  /** Added to the longest stop grace period to bound a remove's wait when it names no timeout; 5 s. */
  removeWaitMarginMs?: number;
  /** Events a slow client may fall behind by before its stream is ended; 10,000. */
  maxBufferedEvents?: number;
  /** The cluster CA (join token, admin certificates, revoking removed nodes); without it those RPCs answer CONFLICT. */
  authority?: ControlAuthority;
}

// The longest admin certificate IssueCertificate signs: the cluster CA's own default life.
const MAX_CERT_VALIDITY_DAYS = 3650;
const DAY_MS = 24 * 60 * 60 * 1000;

// Replies must beat the client's deadline, or the client sees DEADLINE_EXCEEDED instead of them.
const DEADLINE_MARGIN_MS = 250;

/** Runs a unary handler: the result or the error goes to `callback` exactly once. */
function unary<T>(callback: sendUnaryData<T>, run: () => T | Promise<T>): void {
  void Promise.resolve()
    .then(run)
    .then(
      (result) => callback(null, result),
      (error: unknown) => callback(toStatusError(error), null),
    );
}

function decodeStack(message: wire.StackSpec | undefined): StackSpec {
  if (message === undefined) throw new BerthError('STACK_INVALID', 'the deploy request carries no stack');
  try {
    return fromProtoStackSpec(message);
  } catch (error) {
    throw new BerthError('STACK_INVALID', `the stack could not be decoded: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** The validity of an IssueCertificate request in ms; undefined (the authority's default) for 0. */
function certificateValidityMs(request: wire.IssueCertificateRequest): number | undefined {
  if (request.role !== wire.CertificateRole.ADMIN) {
    throw new BerthError('USAGE', 'only admin certificates are issued here (nodes get theirs by joining)', { context: { role: request.role } });
  }
  if (request.validityDays > MAX_CERT_VALIDITY_DAYS) {
    throw new BerthError('USAGE', `a certificate may be valid for at most ${MAX_CERT_VALIDITY_DAYS} days (asked for ${request.validityDays})`);
  }
  return request.validityDays === 0 ? undefined : request.validityDays * DAY_MS;
}

function logFailureError(failures: readonly TaskLogFailure[]): BerthError {
  const first = failures[0]?.error;
  const reasons = failures.map((f) => `${f.taskId}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
  const what = failures.length === 1 ? 'the log of 1 task' : `the logs of ${failures.length} tasks`;
  return new BerthError(isBerthError(first) ? first.code : 'UNAVAILABLE', `${what} could not be read: ${reasons.join('; ')}`, {
    context: { tasks: failures.map((f) => f.taskId) },
  });
}

/** The Control service; hand it to `serveControl` (or to a grpc-js Server's `addService`). */
export class ControlApi implements wire.ControlServer {
  // grpc-js's service implementations are string-indexed; a class must say so explicitly.
  [method: string]: UntypedHandleCall;
  readonly #store: StateStore;
  readonly #requestLogs: RequestLogs;
  readonly #cleanupStack: CleanupStack;
  readonly #log: (line: string) => void;
  readonly #now: () => number;
  readonly #removeWaitMarginMs: number;
  readonly #maxBufferedEvents: number;
  readonly #authority: ControlAuthority | undefined;
  readonly #streams = new OpenStreams();

  constructor(options: ControlApiOptions) {
    this.#store = options.store;
    this.#requestLogs = options.requestLogs;
    this.#cleanupStack = options.cleanupStack;
    this.#log = options.log ?? (() => undefined);
    this.#now = options.now ?? Date.now;
    this.#removeWaitMarginMs = options.removeWaitMarginMs ?? 5_000;
    this.#maxBufferedEvents = options.maxBufferedEvents ?? 10_000;
    this.#authority = options.authority;
  }

  /** Ends every open Logs and Events stream (with UNAVAILABLE); new ones are refused. */
  readonly close = (): void => this.#streams.closeAll();

  readonly deploy = (call: ServerUnaryCall<wire.DeployRequest, wire.DeployResponse>, callback: sendUnaryData<wire.DeployResponse>): void =>
    unary(callback, () => {
      const spec = decodeStack(call.request.stack);
      // Validate first: a rejected deploy leaves the store exactly as it was.
      const problems = stackProblems(spec, this.#store.nodes());
      if (problems.length > 0) throw stackInvalidError(spec.name, problems);
      const previous = this.#store.stack(spec.name);
      const plan = planDeploy(spec, previous);
      const changes = plan.changes.map(toProtoServiceChange);
      // Re-deploying the same file writes nothing: no revision, no event, no reconcile round.
      if (call.request.dryRun || !plan.changed) return { changes, revision: previous?.revision ?? 0 };
      const record = this.#store.putStack(plan.desired);
      this.#store.flush(); // an acknowledged deploy must survive a crash
      return { changes, revision: record.revision };
    });

  readonly remove = (call: ServerUnaryCall<wire.RemoveRequest, wire.RemoveResponse>, callback: sendUnaryData<wire.RemoveResponse>): void =>
    unary(callback, async () => {
      const { stack, removeVolumes, timeoutMs } = call.request;
      const record = this.#store.stack(stack);
      if (record === undefined) throw new BerthError('NOT_FOUND', `no stack named ${JSON.stringify(stack)}`, { context: { stack } });
      this.#store.removeStack(stack);
      this.#store.flush();
      const services = Object.values(record.spec.services);
      const longestGrace = services.reduce((max, s) => Math.max(max, s.stopGracePeriodMs), 0);
      const budget = Math.min(timeoutMs ?? longestGrace + this.#removeWaitMarginMs, msUntilDeadline(call) - DEADLINE_MARGIN_MS);
      const cancelled = new AbortController();
      call.once('cancelled', () => cancelled.abort());
      const settled = await waitForStackSettled(this.#store, stack, budget, cancelled.signal);
      const removedServices = Object.keys(record.spec.services).sort();
      if (this.#store.stack(stack) !== undefined) {
        // Deployed again meanwhile: the networks and volumes on the nodes are the new deployment's.
        this.#log(`control: remove ${stack}: the stack was deployed again before its tasks were gone; no cleanup sent`);
        return { removedServices };
      }
      // Sent whether or not the wait succeeded: each agent itself waits for its removals of the
      // stack and keeps whatever is still in use, so an early cleanup deletes nothing live, while
      // no cleanup at all would leave the stack's networks and volumes behind for good.
      const told = this.#cleanupStack(stack, { removeVolumes });
      if (!settled) {
        // RemoveResponse has no field for it; the scheduler's log is where it shows.
        this.#log(
          `control: remove ${stack}: not every task had stopped ${cancelled.signal.aborted ? 'when the client went away' : `within ${Math.max(0, budget)} ms`}; ` +
            `cleanup sent to ${told} node(s) anyway, which keep the networks and volumes still in use`,
        );
      }
      return { removedServices };
    });

  readonly listStacks = (_call: ServerUnaryCall<wire.ListStacksRequest, wire.ListStacksResponse>, callback: sendUnaryData<wire.ListStacksResponse>): void =>
    unary(callback, () => ({ stacks: stackSummaries(this.#store).map(toProtoStackSummary) }));

  readonly listServices = (call: ServerUnaryCall<wire.ListServicesRequest, wire.ListServicesResponse>, callback: sendUnaryData<wire.ListServicesResponse>): void =>
    unary(callback, () => ({ services: serviceSummaries(this.#store, call.request.stack).map(toProtoServiceSummary) }));

  readonly listTasks = (call: ServerUnaryCall<wire.ListTasksRequest, wire.ListTasksResponse>, callback: sendUnaryData<wire.ListTasksResponse>): void =>
    unary(callback, () => ({ tasks: listTasks(this.#store, call.request.stack, call.request.service).map(toProtoTask) }));

  readonly listNodes = (_call: ServerUnaryCall<wire.ListNodesRequest, wire.ListNodesResponse>, callback: sendUnaryData<wire.ListNodesResponse>): void =>
    unary(callback, () => {
      const nodes = sortedNodes(this.#store);
      return { nodes: nodes.map((n) => toProtoNodeInfo(nodeInfo(n))), loads: nodeLoads(this.#store, nodes).map(toProtoNodeLoad) };
    });

  readonly getJoinToken = (call: ServerUnaryCall<wire.GetJoinTokenRequest, wire.GetJoinTokenResponse>, callback: sendUnaryData<wire.GetJoinTokenResponse>): void =>
    unary(callback, () => {
      const authority = requireAuthority(this.#authority);
      const token = call.request.rotate ? authority.rotateJoinToken() : authority.joinToken();
      if (call.request.rotate) this.#log('control: join token rotated; the old one no longer admits nodes');
      return { token, caFingerprint: authority.caFingerprint };
    });

  readonly issueCertificate = (call: ServerUnaryCall<wire.IssueCertificateRequest, wire.IssueCertificateResponse>, callback: sendUnaryData<wire.IssueCertificateResponse>): void =>
    unary(callback, async () => {
      const authority = requireAuthority(this.#authority);
      const validityMs = certificateValidityMs(call.request);
      const issued = await authority.issueAdmin(call.request.csrPem, validityMs);
      this.#log(`control: issued an admin certificate valid until ${issued.notAfter.toISOString()}`);
      return { certificate: { ...issued } };
    });

  readonly updateNode = (call: ServerUnaryCall<wire.UpdateNodeRequest, wire.UpdateNodeResponse>, callback: sendUnaryData<wire.UpdateNodeResponse>): void =>
    unary(callback, () => {
      const { node: wanted, labelsAdd, labelsRemove, availability } = call.request;
      const changes = {
        labelsAdd,
        labelsRemove,
        ...(availability !== wire.NodeAvailability.UNSPECIFIED ? { availability: nodeAvailabilityMapping.fromWire(availability, 'availability') } : {}),
      };
      // Resolved and written in one transaction, so a concurrent re-registration cannot slip between.
      const updated = this.#store.transaction((tx) => {
        const node = resolveNode(tx, wanted);
        const patch = nodeUpdatePatch(node, changes);
        return patch === undefined ? node : (tx.updateNode(node.id, patch) ?? node);
      });
      this.#store.flush();
      return { node: toProtoNodeInfo(nodeInfo(updated)) };
    });

  readonly removeNode = (call: ServerUnaryCall<wire.RemoveNodeRequest, wire.RemoveNodeResponse>, callback: sendUnaryData<wire.RemoveNodeResponse>): void =>
    unary(callback, () => {
      const { node: wanted, force } = call.request;
      const { node, tasksMoved } = this.#store.transaction((tx) => {
        const found = resolveNode(tx, wanted);
        const moved = checkNodeRemoval(tx, found, force);
        // Revoked before it leaves the store: a node that reconnects in between is refused, not re-created.
        this.#authority?.revoke(found.id);
        tx.removeNode(found.id);
        return { node: found, tasksMoved: moved };
      });
      this.#store.flush();
      this.#log(`control: removed node ${node.name} (${node.id})${force && node.state === 'ready' ? ' while it was ready (--force)' : ''}; ${tasksMoved} task(s) to place elsewhere`);
      return { nodeId: node.id, tasksMoved };
    });

  readonly scale = (call: ServerUnaryCall<wire.ScaleRequest, wire.ScaleResponse>, callback: sendUnaryData<wire.ScaleResponse>): void =>
    unary(callback, () => {
      const { stack, services } = call.request;
      const record = this.#store.stack(stack);
      if (record === undefined) throw new BerthError('NOT_FOUND', `no stack named ${JSON.stringify(stack)}`, { context: { stack } });
      if (services.length === 0) throw new BerthError('USAGE', 'name at least one service to scale');
      const plan = planScale(record, services.map((s) => [s.service, s.replicas] as const));
      if (plan.changed) {
        this.#store.putStack(plan.desired);
        this.#store.flush();
      }
      return { changes: plan.changes.map(toProtoServiceChange) };
    });

  readonly logs = (call: ServerWritableStream<wire.LogsRequest, wire.LogsResponse>): void => {
    void this.#streamLogs(call);
  };

  async #streamLogs(call: ServerWritableStream<wire.LogsRequest, wire.LogsResponse>): Promise<void> {
    const { controller, release } = this.#streams.track(call, () => failStream(call, shuttingDown()));
    const { signal } = controller;
    try {
      if (this.#streams.closed) throw shuttingDown();
      const { stack, services, tail, follow, since } = call.request;
      const tasks = this.#logTasks(stack, services);
      const failures = await fanInLogs(tasks, {
        requestLogs: this.#requestLogs,
        request: { follow, ...(tail !== undefined ? { tail } : {}), ...(since !== undefined ? { since: since.getTime() } : {}) },
        write: (line) => writeWithBackpressure(call, { line: toProtoLogLine(line) }, signal),
        signal,
        now: this.#now,
      });
      if (signal.aborted) return; // cancelled by the client, or already ended by close()
      if (failures.length > 0) failStream(call, logFailureError(failures));
      else call.end();
    } catch (error) {
      if (!signal.aborted) failStream(call, error);
    } finally {
      release();
    }
  }

  /** The tasks whose logs a Logs request covers: those with a workload on a node. */
  #logTasks(stack: string, services: readonly string[]): Array<{ id: string; service: string; slot: number }> {
    requireStack(this.#store, stack);
    const record = this.#store.stack(stack);
    for (const service of services) {
      if (record?.spec.services[service] === undefined && this.#store.tasksOfService(stack, service).length === 0) {
        throw new BerthError('NOT_FOUND', `stack ${JSON.stringify(stack)} has no service ${JSON.stringify(service)}`, { context: { stack, service } });
      }
    }
    const wanted = new Set(services);
    return this.#store
      .tasksOfStack(stack)
      .filter((t) => (wanted.size === 0 || wanted.has(t.service)) && t.nodeId !== undefined)
      .filter((t) => t.status.state === 'running' || t.status.runtimeId !== undefined)
      .sort(compareTasks);
  }

  readonly events = (call: ServerWritableStream<wire.EventsRequest, wire.EventsResponse>): void => {
    if (this.#streams.closed) return failStream(call, shuttingDown());
    let stop = (): void => {};
    const { release } = this.#streams.track(call, () => {
      stop();
      failStream(call, shuttingDown());
    });
    stop = watchStoreEvents(this.#store, {
      stack: call.request.stack,
      now: this.#now,
      emit: (event) => {
        if (call.writableLength >= this.#maxBufferedEvents) {
          stop();
          failStream(call, new BerthError('UNAVAILABLE', `the event stream fell more than ${this.#maxBufferedEvents} events behind; watch again`));
          return;
        }
        call.write({ event: toProtoEvent(event) });
      },
    });
    const end = (): void => {
      stop();
      release();
    };
    call.once('cancelled', end);
    call.once('close', end);
    call.once('finish', end);
    // Headers now: a client can tell the watch is in place before the first event.
    call.sendMetadata(new Metadata());
  };
}

function shuttingDown(): BerthError {
  return new BerthError('UNAVAILABLE', 'the scheduler is shutting down');
}
