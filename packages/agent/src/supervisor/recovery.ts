/**
 * The supervisor's recovery at agent start, and what it leaves pending until the scheduler
 * speaks:
 *
 *   tasks.json + driver.recover ──▶ planRecovery ──▶ adopt · start (keep-running) · restore
 *        │ a driver's recover() failed                 │ workload gone      │ nobody's workload
 *        ▼                                             ▼                    ▼
 *      held (assigned, not started)               awaiting             orphans
 *      retried before the next set                started when a set   claimed by a set, or
 *                                                 lists them again     removed by a complete one
 *
 * Nothing is stopped here: a held task's workload may still run, an awaiting task may have been
 * placed elsewhere while this host was down, and an orphan may yet be claimed. The plan itself
 * is pure (recovery-plan.ts); this module carries it out through the supervisor's `RecoveryHost`.
 */
import { DEFAULT_STOP_GRACE_PERIOD_MS, type DesiredTaskState, type DriverName } from '@berth/api';
import type { RecoveredWorkload, RuntimeDriver, TaskDescriptor } from '../runtime/runtime.js';
import { errorMessage } from '../task/run-outcome.js';
import type { TaskRunner } from '../task/task-runner.js';
import type { PersistedTask } from './persisted-tasks.js';
import { planRecovery } from './recovery-plan.js';

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

/** What recovery needs of the supervisor: its drivers and its table of task runners. */
export interface RecoveryHost {
  nodeId: string;
  drivers: Partial<Record<DriverName, RuntimeDriver>>;
  /** True when the node already has a runner for `taskId`. */
  has(taskId: string): boolean;
  /** A new runner for `task`, entered in the supervisor's table, not started yet. */
  add(task: TaskDescriptor, desiredState: DesiredTaskState, restarts?: number): TaskRunner;
  /** Takes an unstarted task out of the table, as tasks.json would record it; undefined if absent. */
  take(taskId: string): PersistedTask | undefined;
  warn(message: string): void;
}

/** Recovers a node's tasks and keeps the held, awaiting and orphaned ones until a set decides. */
export class Recovery {
  readonly #host: RecoveryHost;
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
  #orphans: RecoveredWorkload[] = [];

  /** Recovery through `host`; nothing happens until `recover()`. */
  constructor(host: RecoveryHost) {
    this.#host = host;
  }

  /** Workloads found at start that no assignment has claimed yet. */
  get orphans(): readonly RecoveredWorkload[] {
    return this.#orphans;
  }

  /** True while some task waits for its driver's recovery to be retried. */
  get holding(): boolean {
    return this.#held.size > 0;
  }

  /** True when `taskId` is held: not started, since its workload may still be running. */
  isHeld(taskId: string): boolean {
    return this.#held.has(taskId);
  }

  /** A set replaced or removed `taskId`: it is no longer held. */
  release(taskId: string): void {
    this.#held.delete(taskId);
  }

  /** The restart count of `taskId` if it was awaiting a set, which has now listed it. */
  takeAwaiting(taskId: string): number | undefined {
    const restarts = this.#awaiting.get(taskId);
    this.#awaiting.delete(taskId);
    return restarts;
  }

  /** The newest workload of `taskId` among the orphans (a running one first), now claimed. */
  claimOrphan(taskId: string): RecoveredWorkload | undefined {
    const mine = this.#orphans.filter((w) => w.handle.ref.taskId === taskId);
    if (mine.length === 0) return undefined;
    const newest = mine.find((w) => w.state === 'running') ?? mine.reduce((a, b) => (b.handle.startedAt > a.handle.startedAt ? b : a));
    this.#orphans = this.#orphans.filter((w) => w !== newest);
    return newest;
  }

  /**
   * A complete set was applied: returns the orphans it did not claim, for removal, and forgets
   * the awaiting tasks it left out (they were placed elsewhere while this host was down).
   */
  settleComplete(): RecoveredWorkload[] {
    const unclaimed = this.#orphans.splice(0);
    this.#awaiting.clear();
    return unclaimed;
  }

  /** Recovers `tasks` against the drivers' workloads (only the drivers they, or orphans, use). */
  async recover(tasks: readonly PersistedTask[], problems: string[], only?: Set<DriverName>): Promise<RecoveryReport> {
    const host = this.#host;
    const found: RecoveredWorkload[] = [];
    const failed = new Set<DriverName>();
    for (const [name, driver] of Object.entries(host.drivers) as [DriverName, RuntimeDriver][]) {
      if (only !== undefined && !only.has(name)) continue;
      try {
        // On a retry, workloads of tasks this agent already runs are its own, not orphans.
        const recovered = await driver.recover(host.nodeId);
        found.push(...recovered.filter((w) => !host.has(w.handle.ref.taskId)));
      } catch (err) {
        failed.add(name);
        problems.push(`recovering ${name} workloads failed: ${errorMessage(err)}`);
      }
    }
    const held = tasks.filter((p) => failed.has(p.task.spec.berth.driver) && p.final === undefined);
    for (const p of held) {
      host.add(p.task, p.desiredState, p.restarts);
      this.#held.add(p.task.ref.taskId);
    }
    const plan = planRecovery(tasks.filter((p) => !held.includes(p)), found);
    for (const a of plan.adopt) host.add(a.persisted.task, a.desiredState).adopt(a.recovered, a.final);
    const started: PersistedTask[] = [];
    for (const p of plan.start) {
      if (p.task.spec.berth.keepRunningWhenDisconnected) {
        host.add(p.task, p.desiredState, p.restarts).start();
        started.push(p);
      } else {
        this.#awaiting.set(p.task.ref.taskId, p.restarts);
      }
    }
    for (const r of plan.restore) host.add(r.persisted.task, r.persisted.desiredState, r.persisted.restarts).restoreFinal(r.final);
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
  async retryHeld(): Promise<void> {
    const held: PersistedTask[] = [];
    for (const id of this.#held) {
      const persisted = this.#host.take(id);
      if (persisted !== undefined) held.push(persisted);
    }
    this.#held.clear();
    const problems: string[] = [];
    await this.recover(held, problems, new Set(held.map((p) => p.task.spec.berth.driver)));
    for (const p of problems) this.#host.warn(p);
  }
}

/**
 * Stops (default signal and grace: its spec is unknown) and removes a workload nobody claimed,
 * through `driver` (undefined: the node lacks it, nothing to do); `begun` once the stop is sent.
 */
export async function removeOrphan(driver: RuntimeDriver | undefined, w: RecoveredWorkload, begun: () => void): Promise<void> {
  const stopping = driver !== undefined && w.state === 'running'
    ? driver.stop(w.handle, { signal: 'SIGTERM', graceMs: DEFAULT_STOP_GRACE_PERIOD_MS })
    : undefined;
  begun();
  if (driver === undefined) return;
  await stopping;
  await driver.remove(w.handle);
}
