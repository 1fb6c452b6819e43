/**
 * Owns every task runner of the node:
 *
 *   scheduler ── TaskAssignmentSet ──▶ applyAssignments ──▶ add · replace · start/stop · remove
 *   agent start ─────────────────▶ recover: tasks.json + driver.recover ──▶ adopt · start · orphans
 *                                   (recovery.ts; held, awaiting and orphaned tasks wait for a set)
 *   runners ── status ──▶ StatusBatcher ──▶ 'statuses' (TaskStatus[])      (and tasks.json)
 *   scheduler ── StackCleanup ──▶ cleanupStack: once the stack's tasks are gone ──▶ drivers
 *   link ── lease expired ──▶ fence: stop (quickly) and hold what may not outlive the lease
 *
 * Driver prepares/starts go through one p-queue (`concurrency` at a time, restarts of crashed
 * tasks first), so twenty tasks start together without flooding the engine. Operations on one
 * task run one after another (operation-chains.ts); those on different tasks do not wait for
 * each other. In a complete set every removal is under way before anything starts, so a node
 * back from a partition stops its stale tasks first.
 *
 * The agent stops a task on its own only when its lease runs out (`fence`, see fence.ts): after
 * a restart it adopts what it finds and only stops unassigned workloads once the scheduler's
 * complete set says so; on shutdown (`close`) it lets go of its tasks and leaves them running.
 * A removed stack's cleanup (its networks, volumes, leftover files) waits until the stack's
 * tasks are gone here (see stack-cleanup.ts).
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import type { DesiredTaskState, DriverName, TaskStatus } from '@berth/api';
import type { RecoveredWorkload, RuntimeDriver, TaskDescriptor } from '../runtime/runtime.js';
import { systemClock, type Clock } from '../task/clock.js';
import { errorMessage } from '../task/run-outcome.js';
import { TaskRunner, type OperationGate } from '../task/task-runner.js';
import { planAssignments, type TaskAssignment, type TaskAssignmentSet } from './assignments.js';
import { fenceStopGraceMs, planFence, type FencePlan } from './fence.js';
import { MissingDriver } from './missing-driver.js';
import { OperationChains } from './operation-chains.js';
import { PERSISTED_TASKS_VERSION } from './persisted-tasks.js';
import { Recovery, removeOrphan, type RecoveryReport } from './recovery.js';
import { RemovalBarrier } from './removal-barrier.js';
import { StackCleanups, type StackCleanupResult } from './stack-cleanup.js';
import { StatusBatcher, type StatusBatchOptions } from './status-batcher.js';
import { recordChanged, recordOf, type SupervisedTask } from './supervised-task.js';
import { TaskStateStore } from './task-state-store.js';

/** Settings of a supervisor. */
export interface SupervisorOptions {
  nodeId: string;
  /** The agent's data directory; the task record is `<dataDir>/tasks.json`. */
  dataDir: string;
  drivers: Partial<Record<DriverName, RuntimeDriver>>;
  clock?: Clock;
  /** Driver prepares/starts running at once (default 8). */
  concurrency?: number;
  batch?: StatusBatchOptions;
  /** Longest a stack cleanup waits for the stack's tasks to be gone (default 60 s). */
  cleanupWaitMs?: number;
}

/** Events of a supervisor. */
export interface SupervisorEvents {
  /** Status changes, batched. */
  statuses: [batch: TaskStatus[]];
  /** Something the operator should know that is no task's status (state file, recovery). */
  warning: [message: string];
}

/** What `recover()` did (see recovery.ts). */
export type { RecoveryReport } from './recovery.js';

/** Default number of driver prepares/starts at once. */
export const DEFAULT_START_CONCURRENCY = 8;
/** Default longest wait of a stack cleanup for the stack's tasks to be gone (ms). */
export const DEFAULT_CLEANUP_WAIT_MS = 60_000;

/** What `fence()` did: the plan, and when the stops it began are done. */
export interface FenceResult extends FencePlan {
  done: Promise<void>;
}

/** Supervises the tasks of one node. */
export class Supervisor extends EventEmitter<SupervisorEvents> {
  readonly #nodeId: string;
  readonly #drivers: Partial<Record<DriverName, RuntimeDriver>>;
  readonly #clock: Clock;
  readonly #queue: PQueue;
  readonly #gate: OperationGate;
  readonly #store: TaskStateStore;
  readonly #batcher: StatusBatcher;
  readonly #entries = new Map<string, SupervisedTask>();
  readonly #ops: OperationChains;
  readonly #cleanups: StackCleanups;
  readonly #recovery: Recovery;
  #closed = false;
  #revision = 0;
  #recovered = false;
  #applying: Promise<void> = Promise.resolve();
  /** Fences so far: a set that arrived before the latest one was sent under a lease that is over. */
  #fences = 0;

  /** A supervisor; call `recover()` first, then apply the scheduler's sets. */
  constructor(options: SupervisorOptions) {
    super();
    this.#nodeId = options.nodeId;
    this.#drivers = options.drivers;
    this.#clock = options.clock ?? systemClock;
    this.#queue = new PQueue({ concurrency: options.concurrency ?? DEFAULT_START_CONCURRENCY });
    this.#gate = (kind, op) =>
      this.#queue.add(op, { priority: kind === 'restart' ? 1 : 0, throwOnTimeout: true });
    this.#store = new TaskStateStore(options.dataDir);
    this.#batcher = new StatusBatcher(this.#clock, (batch) => this.emit('statuses', batch), options.batch);
    this.#ops = new OperationChains((m) => this.emit('warning', m), () => this.#changed());
    this.#cleanups = new StackCleanups({
      clock: this.#clock,
      drivers: this.#drivers,
      waitMs: options.cleanupWaitMs ?? DEFAULT_CLEANUP_WAIT_MS,
      warn: (m) => this.emit('warning', m),
      taskIdsOf: (stack) => [...this.#entries].filter(([, e]) => e.runner.task.ref.stack === stack).map(([id]) => id),
      operating: (stack) => this.#ops.operating(stack),
      closed: () => this.#closed,
    });
    this.#recovery = new Recovery({
      nodeId: this.#nodeId,
      drivers: this.#drivers,
      has: (taskId) => this.#entries.has(taskId),
      add: (task, desiredState, restarts) => this.#addEntry(task, desiredState, restarts),
      take: (taskId) => {
        const entry = this.#entries.get(taskId);
        if (entry === undefined) return undefined;
        this.#entries.delete(taskId);
        return { task: entry.runner.task, desiredState: entry.desiredState, restarts: entry.runner.status.restarts };
      },
      warn: (m) => this.emit('warning', m),
    });
  }

  /** Revision of the last assignment set applied (0 = none). */
  get revision(): number {
    return this.#revision;
  }

  /** Workloads found at start that no assignment has claimed yet. */
  get orphans(): readonly RecoveredWorkload[] {
    return this.#recovery.orphans;
  }

  /** The current status of every task (for Register after a reconnect). */
  statuses(): TaskStatus[] {
    return [...this.#entries.values()].map((e) => e.runner.status);
  }

  /** The runner of `taskId`, if the node has that task. */
  runner(taskId: string): TaskRunner | undefined {
    return this.#entries.get(taskId)?.runner;
  }

  /** At agent start, before any set: re-adopts what the last run left, per tasks.json. */
  async recover(): Promise<RecoveryReport> {
    if (this.#recovered || this.#entries.size > 0) throw new Error('Supervisor.recover() runs once, before any assignment set');
    this.#recovered = true;
    const loaded = await this.#store.load();
    const problems = loaded.problem === undefined ? [] : [loaded.problem];
    this.#revision = loaded.tasks.revision;
    const report = await this.#recovery.recover(loaded.tasks.tasks, problems);
    for (const p of report.problems) this.emit('warning', p);
    this.#persist();
    return report;
  }

  /** Applies a set from the scheduler; resolves once its stops and removals are done and its starts begun. */
  applyAssignments(set: TaskAssignmentSet): Promise<void> {
    // Sets apply in arrival order, each planned against the state the previous one left.
    const fencesAtArrival = this.#fences;
    const applied = this.#applying.then(() => this.#apply(set, fencesAtArrival));
    this.#applying = applied.then(
      () => undefined,
      () => undefined,
    );
    return applied.then((ops) => Promise.all(ops)).then(() => undefined);
  }

  /**
   * Deletes what removed stack `stack` left on the node (networks; named volumes with
   * `removeVolumes`; leftover files), through each driver's `cleanupStack`, once the node has no
   * task of the stack left and no operation on one under way; see the module comment. Resolves
   * with what was done; never rejects (failures and objects kept are warnings).
   */
  cleanupStack(stack: string, options: { removeVolumes: boolean }): Promise<StackCleanupResult> {
    // After the sets that arrived before it: the stack's removals are in those.
    return this.#applying.then(() => this.#cleanups.run(stack, options));
  }

  /**
   * The lease ran out (see fence.ts): stops every task whose service does not keep running when
   * disconnected, with a stop grace of at most FENCE_STOP_GRACE_MS, and holds it stopped (its
   * desired state here becomes `stop`, so no restart follows) until a set says to run it again.
   * The stops begin at once, each after the operations already under way on its task.
   */
  fence(): FenceResult {
    this.#fences += 1;
    return this.#fenceNow();
  }

  /** The stops of a fence (see fence()), without counting one: also used to re-fence after a late recovery. */
  #fenceNow(): FenceResult {
    const plan = planFence(
      [...this.#entries].map(([taskId, e]) => ({
        taskId,
        spec: e.runner.task.spec,
        desiredState: e.desiredState,
        ended: e.runner.final !== undefined,
        held: this.#recovery.isHeld(taskId),
      })),
    );
    const stops = plan.stop.map((taskId) => {
      const entry = this.#entries.get(taskId)!;
      entry.desiredState = 'stop';
      const { runner } = entry;
      return this.#ops.run(taskId, () => runner.stop({ graceMs: fenceStopGraceMs(runner.task.spec) }), runner.task.ref.stack);
    });
    if (plan.stop.length > 0) this.#persist();
    return { ...plan, done: Promise.all(stops).then(() => undefined) };
  }

  /** Lets go of every task without stopping any (agent shutdown); flushes statuses and tasks.json. */
  async close(): Promise<void> {
    this.#closed = true;
    this.#changed(); // waiting cleanups give up: the tasks they wait for are being let go
    for (const e of this.#entries.values()) e.runner.detach();
    this.#queue.clear();
    this.#batcher.flush();
    await this.#store.flushed();
  }

  async #apply(set: TaskAssignmentSet, fencesAtArrival: number): Promise<Promise<void>[]> {
    if (this.#recovery.holding) await this.#recovery.retryHeld();
    if (this.#fences !== fencesAtArrival) {
      // The lease ran out while this set waited (for the recovery of held tasks): it was sent
      // under a lease that is over, so it must not start what the fence stopped. What recovery
      // just brought back is fenced as well; the next registration's complete set says what runs.
      this.emit('warning', `skipped an assignment set (revision ${set.revision ?? '?'}) that arrived before the lease ran out`);
      const { done } = this.#fenceNow();
      return [done];
    }
    const current = new Map<string, TaskAssignment>();
    for (const [id, e] of this.#entries) current.set(id, { task: e.runner.task, desiredState: e.desiredState });
    const ops: Promise<void>[] = [];
    const barrier = new RemovalBarrier(set.kind === 'complete');
    for (const action of planAssignments(current, set)) {
      switch (action.kind) {
        case 'add': {
          const { task, desiredState } = action.assignment;
          const runner = this.#addEntry(task, desiredState, this.#recovery.takeAwaiting(task.ref.taskId));
          const orphan = this.#recovery.claimOrphan(task.ref.taskId);
          ops.push(this.#ops.run(task.ref.taskId, barrier.after(() => this.#begin(runner, desiredState, orphan)), task.ref.stack));
          break;
        }
        case 'replace': {
          const { task, desiredState } = action.assignment;
          this.#recovery.release(task.ref.taskId);
          const old = this.#entries.get(task.ref.taskId)?.runner;
          const runner = this.#addEntry(task, desiredState);
          const begin = barrier.after(() => this.#begin(runner, desiredState));
          ops.push(this.#ops.run(task.ref.taskId, async () => {
            await old?.remove();
            await begin();
          }, task.ref.stack));
          break;
        }
        case 'set-desired': {
          const entry = this.#entries.get(action.taskId);
          if (entry === undefined) break;
          entry.desiredState = action.desiredState;
          if (this.#recovery.isHeld(action.taskId)) break; // recovery will honour it
          const { runner } = entry;
          const op = action.desiredState === 'stop' ? () => runner.stop() : barrier.after(() => Promise.resolve(runner.start()));
          ops.push(this.#ops.run(action.taskId, op, runner.task.ref.stack));
          break;
        }
        case 'remove': {
          const runner = this.#entries.get(action.taskId)?.runner;
          this.#entries.delete(action.taskId);
          this.#recovery.release(action.taskId);
          // The entry is gone, so the runner's own status events are ignored from here on; the
          // scheduler still needs to hear that the task stopped, to forget it without waiting.
          if (runner !== undefined) {
            const sent = barrier.removal();
            ops.push(this.#ops.run(action.taskId, async () => {
              const removing = runner.remove(); // sends the stop before it returns
              sent();
              await removing;
              this.#batcher.add(runner.status);
            }, runner.task.ref.stack));
          }
          break;
        }
      }
    }
    if (set.kind === 'complete') {
      ops.push(...this.#recovery.settleComplete().map((w) => this.#removeOrphan(w, barrier.removal())));
    }
    if (set.revision !== undefined) this.#revision = set.revision;
    this.#persist();
    this.#changed();
    return ops;
  }

  /** Tasks or operations changed: waiting cleanups look again. */
  #changed(): void {
    this.#cleanups.changed();
  }

  #addEntry(task: TaskDescriptor, desiredState: DesiredTaskState, restarts = 0): TaskRunner {
    const runner = new TaskRunner(task, { driver: this.#driverFor(task), clock: this.#clock, gate: this.#gate, restarts });
    const entry: SupervisedTask = { runner, desiredState, saved: '' };
    this.#entries.set(task.ref.taskId, entry);
    runner.on('status', (status) => {
      // A replaced runner's last words (its stop) are not the task's news any more.
      if (this.#entries.get(task.ref.taskId) !== entry) return;
      this.#batcher.add(status);
      if (recordChanged(entry, status.restarts)) this.#persist();
    });
    return runner;
  }

  /** Starts (or adopts) a new runner's task, or records it as stopped, per the desired state. */
  async #begin(runner: TaskRunner, desiredState: DesiredTaskState, orphan?: RecoveredWorkload): Promise<void> {
    // A cleanup of the stack under way would delete the network this task is about to use.
    await this.#cleanups.underWay(runner.task.ref.stack);
    if (orphan !== undefined) runner.adopt(orphan);
    if (desiredState === 'stop') await runner.stop();
    else if (orphan === undefined) runner.start();
  }

  /** Removes a workload no set claimed, in its own chain; `begun` once the stop is sent. */
  #removeOrphan(w: RecoveredWorkload, begun: () => void): Promise<void> {
    return this.#ops.run(`orphan:${w.handle.id}`, () => removeOrphan(this.#drivers[w.handle.driver], w, begun), w.handle.ref.stack);
  }

  #driverFor(task: TaskDescriptor): RuntimeDriver {
    const name = task.spec.berth.driver;
    return this.#drivers[name] ?? new MissingDriver(name);
  }

  /** Writes tasks.json with every task; failures become warnings. */
  #persist(): void {
    const tasks = [...this.#entries.values()].map(recordOf);
    this.#store
      .save({ version: PERSISTED_TASKS_VERSION, revision: this.#revision, tasks })
      .catch((err: unknown) => this.emit('warning', `cannot save ${this.#store.path}: ${errorMessage(err)}`));
  }
}
