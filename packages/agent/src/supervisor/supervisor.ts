/**
 * Owns every task runner of the node:
 *
 *   scheduler ── TaskAssignmentSet ──▶ applyAssignments ──▶ add · replace · start/stop · remove
 *   agent start ─────────────────▶ recover: tasks.json + driver.recover ──▶ adopt · start · orphans
 *   runners ── status ──▶ StatusBatcher ──▶ 'statuses' (TaskStatus[])      (and tasks.json)
 *   scheduler ── StackCleanup ──▶ cleanupStack: once the stack's tasks are gone ──▶ drivers
 *   link ── lease expired ──▶ fence: stop (quickly) and hold what may not outlive the lease
 *
 * Driver prepares/starts go through one p-queue (`concurrency` at a time, restarts of crashed
 * tasks first), so twenty tasks start together without flooding the engine. Operations on one
 * task run one after another (a replacement's stop finishes before its successor starts); those
 * on different tasks do not wait for each other. In a complete set every removal is under way
 * before anything starts, so a node back from a partition stops its stale tasks first.
 *
 * The agent stops a task on its own only when its lease runs out (`fence`, see fence.ts): after
 * a restart it adopts what it finds and only stops unassigned workloads once the scheduler's
 * complete set says so; on shutdown (`close`) it lets go of its tasks and leaves them running.
 * A removed stack's cleanup (its networks, volumes, leftover files) waits until the stack's
 * tasks are gone here (see stack-cleanup.ts).
 */
import { EventEmitter } from 'eventemitter3';
import PQueue from 'p-queue';
import { canonicalJson, DEFAULT_STOP_GRACE_PERIOD_MS, type DesiredTaskState, type DriverName, type TaskStatus } from '@berth/api';
import type { RecoveredWorkload, RuntimeDriver, TaskDescriptor } from '../runtime/runtime.js';
import { systemClock, type Clock, type TimerHandle } from '../task/clock.js';
import { errorMessage } from '../task/run-outcome.js';
import { TaskRunner, type FinalStatus, type OperationGate } from '../task/task-runner.js';
import { planAssignments, type TaskAssignment, type TaskAssignmentSet } from './assignments.js';
import { fenceStopGraceMs, planFence, type FencePlan } from './fence.js';
import { MissingDriver } from './missing-driver.js';
import { PERSISTED_TASKS_VERSION, type PersistedTask } from './persisted-tasks.js';
import { planRecovery } from './recovery-plan.js';
import { RemovalBarrier } from './removal-barrier.js';
import { StackCleanups, type StackCleanupResult } from './stack-cleanup.js';
import { StatusBatcher, type StatusBatchOptions } from './status-batcher.js';
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

/** What `recover()` did. */
export interface RecoveryReport {
  /** Tasks whose workload was taken over (running, or exited and handed to the restart policy). */
  adopted: string[];
  /** Tasks of keep-running services whose workload was gone, started again. */
  started: string[];
  /** Other tasks whose workload was gone: started when a set lists them again (not before). */
  awaiting: string[];
  /** Tasks that had ended for good, reported as they were. */
  restored: string[];
  /** Tasks not started because their driver's recovery failed; retried with the next set. */
  held: string[];
  /** Workloads no assignment claims; a complete set that leaves them out stops and removes them. */
  orphans: RecoveredWorkload[];
  problems: string[];
}

interface Entry {
  runner: TaskRunner;
  desiredState: DesiredTaskState;
  /** Restart count and final status last written to tasks.json. */
  saved: string;
}

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
  readonly #entries = new Map<string, Entry>();
  readonly #serials = new Map<string, Promise<void>>();
  /** The stack of each `#serials` chain that works on a task, so a cleanup can wait for it. */
  readonly #serialStacks = new Map<string, string>();
  readonly #cleanups: StackCleanups;
  #closed = false;
  #orphans: RecoveredWorkload[] = [];
  /**
   * Tasks left unstarted (`assigned`) because their driver's recover() failed: their workload may
   * still run, and starting them would make a second one. Recovery is retried with the next set.
   */
  readonly #held = new Set<string>();
  /**
   * Tasks assigned to run whose workload was gone when the agent started (the host went down
   * with it): the scheduler may have placed them elsewhere meanwhile, so they start only when a
   * set lists them again; keeps their restart counts until then. Not for keep-running services.
   */
  readonly #awaiting = new Map<string, number>();
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
    this.#cleanups = new StackCleanups({
      clock: this.#clock,
      drivers: this.#drivers,
      waitMs: options.cleanupWaitMs ?? DEFAULT_CLEANUP_WAIT_MS,
      warn: (m) => this.emit('warning', m),
      taskIdsOf: (stack) => [...this.#entries].filter(([, e]) => e.runner.task.ref.stack === stack).map(([id]) => id),
      operating: (stack) => [...this.#serialStacks.values()].includes(stack),
      closed: () => this.#closed,
    });
  }

  /** Revision of the last assignment set applied (0 = none). */
  get revision(): number {
    return this.#revision;
  }

  /** Workloads found at start that no assignment has claimed yet. */
  get orphans(): readonly RecoveredWorkload[] {
    return this.#orphans;
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
    const report = await this.#recoverTasks(loaded.tasks.tasks, problems);
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
        held: this.#held.has(taskId),
      })),
    );
    const stops = plan.stop.map((taskId) => {
      const entry = this.#entries.get(taskId)!;
      entry.desiredState = 'stop';
      const { runner } = entry;
      return this.#serial(taskId, () => runner.stop({ graceMs: fenceStopGraceMs(runner.task.spec) }), runner.task.ref.stack);
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
    if (this.#held.size > 0) await this.#retryHeld();
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
          const runner = this.#addEntry(task, desiredState, this.#awaiting.get(task.ref.taskId));
          this.#awaiting.delete(task.ref.taskId);
          const orphan = this.#claimOrphan(task.ref.taskId);
          ops.push(this.#serial(task.ref.taskId, barrier.after(() => this.#begin(runner, desiredState, orphan)), task.ref.stack));
          break;
        }
        case 'replace': {
          const { task, desiredState } = action.assignment;
          this.#held.delete(task.ref.taskId);
          const old = this.#entries.get(task.ref.taskId)?.runner;
          const runner = this.#addEntry(task, desiredState);
          const begin = barrier.after(() => this.#begin(runner, desiredState));
          ops.push(this.#serial(task.ref.taskId, async () => {
            await old?.remove();
            await begin();
          }, task.ref.stack));
          break;
        }
        case 'set-desired': {
          const entry = this.#entries.get(action.taskId);
          if (entry === undefined) break;
          entry.desiredState = action.desiredState;
          if (this.#held.has(action.taskId)) break; // recovery will honour it
          const { runner } = entry;
          const op = action.desiredState === 'stop' ? () => runner.stop() : barrier.after(() => Promise.resolve(runner.start()));
          ops.push(this.#serial(action.taskId, op, runner.task.ref.stack));
          break;
        }
        case 'remove': {
          const runner = this.#entries.get(action.taskId)?.runner;
          this.#entries.delete(action.taskId);
          this.#held.delete(action.taskId);
          // The entry is gone, so the runner's own status events are ignored from here on; the
          // scheduler still needs to hear that the task stopped, to forget it without waiting.
          if (runner !== undefined) {
            const sent = barrier.removal();
            ops.push(this.#serial(action.taskId, async () => {
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
      ops.push(...this.#orphans.splice(0).map((w) => this.#removeOrphan(w, barrier.removal())));
      // What the complete set left out was placed elsewhere while this host was down.
      this.#awaiting.clear();
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

  /** Recovers `tasks` against the drivers' workloads (only the drivers they, or orphans, use). */
  async #recoverTasks(tasks: readonly PersistedTask[], problems: string[], only?: Set<DriverName>): Promise<RecoveryReport> {
    const found: RecoveredWorkload[] = [];
    const failed = new Set<DriverName>();
    for (const [name, driver] of Object.entries(this.#drivers) as [DriverName, RuntimeDriver][]) {
      if (only !== undefined && !only.has(name)) continue;
      try {
        // On a retry, workloads of tasks this agent already runs are its own, not orphans.
        const recovered = await driver.recover(this.#nodeId);
        found.push(...recovered.filter((w) => !this.#entries.has(w.handle.ref.taskId)));
      } catch (err) {
        failed.add(name);
        problems.push(`recovering ${name} workloads failed: ${errorMessage(err)}`);
      }
    }
    const held = tasks.filter((p) => failed.has(p.task.spec.berth.driver) && p.final === undefined);
    for (const p of held) {
      this.#addEntry(p.task, p.desiredState, p.restarts);
      this.#held.add(p.task.ref.taskId);
    }
    const plan = planRecovery(tasks.filter((p) => !held.includes(p)), found);
    for (const a of plan.adopt) this.#addEntry(a.persisted.task, a.desiredState).adopt(a.recovered, a.final);
    const started: PersistedTask[] = [];
    for (const p of plan.start) {
      if (p.task.spec.berth.keepRunningWhenDisconnected) {
        this.#addEntry(p.task, p.desiredState, p.restarts).start();
        started.push(p);
      } else {
        this.#awaiting.set(p.task.ref.taskId, p.restarts);
      }
    }
    for (const r of plan.restore) this.#addEntry(r.persisted.task, r.persisted.desiredState, r.persisted.restarts).restoreFinal(r.final);
    this.#orphans.push(...plan.orphans);
    const ids = (list: { task: TaskDescriptor }[]): string[] => list.map((p) => p.task.ref.taskId);
    return {
      adopted: ids(plan.adopt.map((a) => a.persisted)),
      started: ids(started),
      awaiting: ids(plan.start.filter((p) => !started.includes(p))),
      restored: ids(plan.restore.map((r) => r.persisted)),
      held: ids(held),
      orphans: plan.orphans,
      problems,
    };
  }

  /** Tries again to recover the held tasks' drivers; those that answer now are recovered. */
  async #retryHeld(): Promise<void> {
    const held: PersistedTask[] = [];
    for (const id of this.#held) {
      const entry = this.#entries.get(id);
      if (entry === undefined) continue;
      held.push({ task: entry.runner.task, desiredState: entry.desiredState, restarts: entry.runner.status.restarts });
      this.#entries.delete(id);
    }
    this.#held.clear();
    const problems: string[] = [];
    await this.#recoverTasks(held, problems, new Set(held.map((p) => p.task.spec.berth.driver)));
    for (const p of problems) this.emit('warning', p);
  }

  #addEntry(task: TaskDescriptor, desiredState: DesiredTaskState, restarts = 0): TaskRunner {
    const runner = new TaskRunner(task, { driver: this.#driverFor(task), clock: this.#clock, gate: this.#gate, restarts });
    const entry: Entry = { runner, desiredState, saved: '' };
    this.#entries.set(task.ref.taskId, entry);
    runner.on('status', (status) => {
      // A replaced runner's last words (its stop) are not the task's news any more.
      if (this.#entries.get(task.ref.taskId) !== entry) return;
      this.#batcher.add(status);
      if (savedKey(status.restarts, runner.final) !== entry.saved) this.#persist();
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

  #claimOrphan(taskId: string): RecoveredWorkload | undefined {
    const mine = this.#orphans.filter((w) => w.handle.ref.taskId === taskId);
    if (mine.length === 0) return undefined;
    const newest = mine.find((w) => w.state === 'running') ?? mine.reduce((a, b) => (b.handle.startedAt > a.handle.startedAt ? b : a));
    this.#orphans = this.#orphans.filter((w) => w !== newest);
    return newest;
  }

  /** Stops (default signal and grace: its spec is unknown) and removes a workload nobody claimed; `begun` once the stop is sent. */
  #removeOrphan(w: RecoveredWorkload, begun: () => void): Promise<void> {
    return this.#serial(`orphan:${w.handle.id}`, async () => {
      const driver = this.#drivers[w.handle.driver];
      const stopping = driver !== undefined && w.state === 'running'
        ? driver.stop(w.handle, { signal: 'SIGTERM', graceMs: DEFAULT_STOP_GRACE_PERIOD_MS })
        : undefined;
      begun();
      if (driver === undefined) return;
      await stopping;
      await driver.remove(w.handle);
    }, w.handle.ref.stack);
  }

  #driverFor(task: TaskDescriptor): RuntimeDriver {
    const name = task.spec.berth.driver;
    return this.#drivers[name] ?? new MissingDriver(name);
  }

  /** Runs `op` after the previous operations on `key` (a task of `stack`); failures become warnings. */
  #serial(key: string, op: () => Promise<void>, stack?: string): Promise<void> {
    const previous = this.#serials.get(key) ?? Promise.resolve();
    const next = previous.then(op).catch((err: unknown) => {
      this.emit('warning', `${key}: ${errorMessage(err)}`);
    });
    this.#serials.set(key, next);
    if (stack !== undefined) this.#serialStacks.set(key, stack);
    void next.then(() => {
      if (this.#serials.get(key) !== next) return;
      this.#serials.delete(key);
      this.#serialStacks.delete(key);
      this.#changed();
    });
    return next;
  }

  /** Writes tasks.json with every task; failures become warnings. */
  #persist(): void {
    const tasks: PersistedTask[] = [];
    for (const e of this.#entries.values()) {
      const { restarts } = e.runner.status;
      const final = e.runner.final;
      e.saved = savedKey(restarts, final);
      tasks.push({ task: e.runner.task, desiredState: e.desiredState, restarts, ...(final ? { final } : {}) });
    }
    this.#store
      .save({ version: PERSISTED_TASKS_VERSION, revision: this.#revision, tasks })
      .catch((err: unknown) => this.emit('warning', `cannot save ${this.#store.path}: ${errorMessage(err)}`));
  }
}

/** What of a task's status tasks.json keeps, as a comparable string. */
function savedKey(restarts: number, final: FinalStatus | undefined): string {
  return canonicalJson({ restarts, final });
}
