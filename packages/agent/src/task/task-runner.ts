/**
 * Runs one task through a RuntimeDriver and keeps it running by its restart policy:
 *
 *   start() ─▶ prepare ─▶ start ─▶ running ─ wait ══▶ exit ─▶ RestartTracker.exited()
 *                 ▲          ▲      (health probes)           │ restart after delayMs
 *                 │          └── restart in place ◀───────────┤ (start(task, previous))
 *                 └── after a failed prepare/start ◀──────────┘ give up: exited | failed
 *
 * One async loop per task does the work, one run after the other; `stop()`, `remove()` and
 * `detach()` steer it through flags it checks after every await. Prepares and starts pass the
 * supervisor's gate (gated-attempt.ts); workloads are stopped through workload-stopper.ts.
 * Nothing a task does (a missing image, a taken port, a crash, a driver error) throws out of the
 * runner: it becomes a status.
 * A zero restart delay restarts straight from the exit, without a timer in between, because
 * crash-to-running latency is what users notice.
 */
import { EventEmitter } from 'eventemitter3';
import type { TaskStatus } from '@berth/api';
import { RestartTracker, type RestartDecision } from '../restart/tracker.js';
import type {
  ExitResult,
  RecoveredWorkload,
  RuntimeDriver,
  TaskDescriptor,
  WorkloadHandle,
} from '../runtime/runtime.js';
import { CancellableDelay } from './cancellable-delay.js';
import { systemClock, type Clock } from './clock.js';
import { gatedAttempt, INTERRUPTED, runNow, type OperationGate } from './gated-attempt.js';
import { HealthProber, type HealthChange } from './health-prober.js';
import type { RunStart } from './lifecycle.js';
import { errorMessage, exitCodeOf, exitReasonOf, type RunEnd } from './run-outcome.js';
import { TaskReport, type FinalStatus } from './task-report.js';
import { WorkloadStopper } from './workload-stopper.js';

/** How a task ended for good (see task-report.ts). */
export type { FinalStatus } from './task-report.js';

/** Bounds a runner's prepares and starts (see gated-attempt.ts). */
export type { OperationGate } from './gated-attempt.js';

/** Events of a runner: its full status after every change. */
export interface TaskRunnerEvents {
  status: [status: TaskStatus];
}

/** Settings of a runner. */
export interface TaskRunnerOptions {
  driver: RuntimeDriver;
  clock?: Clock;
  gate?: OperationGate;
  /** Restarts counted before this runner (by an earlier agent run). */
  restarts?: number;
}

/** How a loop begins: a fresh run, or a workload adopted at agent start. */
type FirstStep =
  | { kind: 'fresh'; cause: 'first' | 'user-start' }
  | { kind: 'adopted'; recovered: RecoveredWorkload };

/** Runs one task; emits `status` on every change. */
export class TaskRunner extends EventEmitter<TaskRunnerEvents> {
  /** What this runner runs. */
  readonly task: TaskDescriptor;
  readonly #driver: RuntimeDriver;
  readonly #clock: Clock;
  readonly #gate: OperationGate;
  readonly #tracker: RestartTracker;
  readonly #report: TaskReport;
  readonly #backoff: CancellableDelay;
  readonly #stopper: WorkloadStopper;
  /** The workload of the current (or last) run: what a restart restarts in place. */
  #handle: WorkloadHandle | undefined;
  /** Set while the workload of the current run is believed to be running. */
  #live: WorkloadHandle | undefined;
  #prober: HealthProber | undefined;
  #loop: Promise<void> | undefined;
  #abort: AbortController | undefined;
  #killedForHealth = false;
  #stopRequested = false;
  #detached = false;
  #removed = false;

  /** A runner for `task`; nothing happens until `start()` or `adopt()`. */
  constructor(task: TaskDescriptor, options: TaskRunnerOptions) {
    super();
    this.task = task;
    this.#driver = options.driver;
    this.#clock = options.clock ?? systemClock;
    this.#gate = options.gate ?? runNow;
    this.#tracker = new RestartTracker(task.spec.restart, task.spec.berth.restartBackoff);
    this.#backoff = new CancellableDelay(this.#clock);
    this.#report = new TaskReport(task.ref.taskId, this.#clock.now(), options.restarts ?? 0, (s) =>
      this.emit('status', s),
    );
    this.#stopper = new WorkloadStopper(task.spec, this.#driver, (m) => this.#report.note(m));
  }

  /** The task's observed status now. */
  get status(): TaskStatus {
    return this.#report.status;
  }

  /** The workload of the current or last run, if one was started. */
  get handle(): WorkloadHandle | undefined {
    return this.#handle;
  }

  /**
   * How the task ended for good (gave up, exited without restart, stopped), for the supervisor
   * to persist; undefined while the task runs or may still be restarted.
   */
  get final(): FinalStatus | undefined {
    return this.#report.final;
  }

  /** True while the runner is working on the task (running it, or waiting to restart it). */
  get active(): boolean {
    return this.#loop !== undefined;
  }

  /** Resolves when the runner is no longer active. */
  async settled(): Promise<void> {
    while (this.#loop !== undefined) await this.#loop;
  }

  /**
   * Runs the task: the first run, or a fresh one (a user's start: not a restart, a new failure
   * streak) after it was stopped or gave up. A no-op while already active.
   */
  start(): void {
    if (this.#loop !== undefined || this.#removed || this.#detached) return;
    this.#stopRequested = false;
    this.#stopper.reset();
    const first = this.#report.lifecycle.state === 'assigned';
    this.#launch({ kind: 'fresh', cause: first ? 'first' : 'user-start' });
  }

  /**
   * Takes over a workload found at agent start without restarting it: a running one is waited
   * on (and probed) as if this runner had started it; one that exited while the agent was away
   * goes through the restart policy like any exit. Its restart count carries over. With `final`
   * (the task had already finished before the agent restarted) an exited workload is reported as
   * it was, and the policy is not asked again.
   */
  adopt(recovered: RecoveredWorkload, final?: FinalStatus): void {
    this.#assertUnused('adopt');
    const assignedAt = this.#report.lifecycle.stateTimes.assigned ?? this.#clock.now();
    this.#report.adopted(assignedAt, recovered.restarts, recovered.handle);
    this.#handle = recovered.handle;
    if (recovered.state === 'exited' && final !== undefined) {
      this.#report.move('running', recovered.handle.startedAt, false);
      this.#report.finish(final, recovered.exit?.finishedAt ?? this.#clock.now());
      return;
    }
    this.#launch({ kind: 'adopted', recovered });
  }

  /**
   * Reports a task that had finished before the agent restarted and whose workload is gone
   * (removed, or never started), as it was; nothing is started.
   */
  restoreFinal(final: FinalStatus): void {
    this.#assertUnused('restoreFinal');
    this.#report.finish(final, this.#clock.now());
  }

  /**
   * A user's (or the scheduler's) stop: stops the workload with the service's stop signal and
   * grace period (or `options.graceMs`: a fence stops faster); no restart follows. Resolves once
   * the task is `stopped` (or the driver's stop failed, which the status message then says).
   */
  async stop(options: { graceMs?: number } = {}): Promise<void> {
    this.#stopRequested = true;
    if (options.graceMs !== undefined) this.#stopper.limitGrace(options.graceMs);
    this.#tracker.stoppedByUser();
    this.#abort?.abort();
    this.#backoff.cancel();
    const loop = this.#loop;
    if (loop !== undefined) {
      if (await this.#stopper.stop(this.#live)) await loop;
      return;
    }
    const { state } = this.#report.lifecycle;
    if (state === 'stopped' || this.#removed || this.#detached) return;
    // Not running (never started, or gave up): keep what the last run said, if anything.
    const message = this.#report.status.message || 'stopped before it started';
    this.#report.finish({ state: 'stopped', message }, this.#clock.now());
  }

  /** Stops the task if needed, then removes its workload (container, files). Final. */
  async remove(): Promise<void> {
    await this.stop();
    const handle = this.#handle;
    try {
      if (handle !== undefined) await this.#driver.remove(handle);
    } catch (err) {
      this.#report.note(`remove failed: ${errorMessage(err)}`);
    }
    this.#removed = true;
    this.#report.muted = true;
  }

  /**
   * Lets go of the task without touching its workload (agent shutdown): timers are cancelled
   * and whatever the driver reports later is ignored. The workload keeps running.
   */
  detach(): void {
    this.#detached = true;
    this.#report.muted = true;
    this.#prober?.stop();
    this.#abort?.abort();
    this.#backoff.cancel();
    this.#loop = undefined;
  }

  #assertUnused(what: string): void {
    if (this.#loop !== undefined || this.#report.lifecycle.state !== 'assigned') {
      throw new Error(`TaskRunner.${what}(): task ${this.task.ref.taskId} is already being run`);
    }
  }

  #launch(first: FirstStep): void {
    // #runLoop never rejects; the catch only keeps a future bug from becoming an unhandled rejection.
    const loop = this.#runLoop(first).catch(() => undefined).finally(() => {
      if (this.#loop === loop) this.#loop = undefined;
    });
    this.#loop = loop;
  }

  /** Runs the task run after run until it gives up, is stopped or detached. Never rejects. */
  async #runLoop(first: FirstStep): Promise<void> {
    try {
      let end = first.kind === 'fresh' ? await this.#run('preparing', first.cause) : await this.#adopted(first.recovered);
      for (;;) {
        if (this.#detached) return;
        if (end === INTERRUPTED) {
          this.#report.finish({ state: 'stopped', message: 'stopped before it started' }, this.#clock.now());
          return;
        }
        const decision = this.#decide(end);
        if (this.#stopRequested) {
          this.#report.endRun(end, decision, this.#clock.now(), 'stopped');
          return;
        }
        this.#report.endRun(end, decision, this.#clock.now());
        if (decision.action === 'give-up') return;
        if (decision.delayMs > 0) await this.#backoff.wait(decision.delayMs);
        if (this.#detached) return;
        if (this.#stopRequested) {
          this.#report.finish({ state: 'stopped', message: 'stopped while waiting to restart' }, this.#clock.now());
          return;
        }
        // A failed prepare/start goes through prepare again (the image may be there now); a
        // workload that ran is restarted in place, skipping prepare.
        end = await this.#run(end.kind === 'start-failed' ? 'preparing' : 'starting', 'restart');
      }
    } catch (err) {
      // Only a bug (or a throwing status listener) gets here; report it, never throw it.
      this.#live = undefined;
      this.#prober?.stop();
      try {
        this.#report.internalError(`internal error: ${errorMessage(err)}`, this.#clock.now());
      } catch {
        // The status listener itself throws: nothing left to tell it.
      }
    }
  }

  /** The first "run" of an adopted workload: wait on it if running, else its exit. */
  async #adopted(recovered: RecoveredWorkload): Promise<RunEnd> {
    const { handle } = recovered;
    this.#tracker.started(handle.startedAt);
    if (recovered.state === 'exited') {
      this.#report.move('running', handle.startedAt, false);
      const exit = recovered.exit ?? { exitCode: -1, oomKilled: false, finishedAt: this.#clock.now() };
      return { kind: 'exit', exit, reason: exitReasonOf(exit, false) };
    }
    this.#running(handle, handle.startedAt);
    return this.#waitForExit(handle);
  }

  /** One run: (prepare,) start, wait for the exit. */
  async #run(first: RunStart, cause: 'first' | 'restart' | 'user-start'): Promise<RunEnd | typeof INTERRUPTED> {
    this.#report.beginRun(first, this.#clock.now(), cause);
    const kind = cause === 'restart' ? 'restart' : 'start';
    if (first === 'preparing') {
      const abort = new AbortController();
      this.#abort = abort;
      const prepared = await this.#attempt(kind, () => this.#driver.prepare(this.task, abort.signal));
      this.#abort = undefined;
      if (prepared !== undefined) return prepared;
      this.#report.move('starting', this.#clock.now());
    }
    let handle: WorkloadHandle | undefined;
    const failed = await this.#attempt(kind, async () => {
      handle = await this.#driver.start(this.task, this.#handle);
    });
    if (failed !== undefined) {
      // A stop came in while the driver was starting the workload: it runs now, so stop it,
      // and keep its handle so remove() removes it (else it would outlive its task unseen).
      if (failed === INTERRUPTED && handle !== undefined && this.#stopRequested) {
        this.#handle = handle;
        await this.#stopper.stopLateStart(handle);
      }
      return failed;
    }
    if (handle === undefined) throw new Error('driver.start() resolved without a handle');
    const startedAt = this.#clock.now();
    this.#tracker.started(startedAt);
    this.#running(handle, startedAt);
    if (cause === 'restart') this.#recordRestarts(handle);
    // A stop that came in while the start was under way stops the new workload at once.
    if (this.#stopRequested) void this.#stopper.stop(this.#live);
    return this.#waitForExit(handle);
  }

  /** Runs a prepare/start through the gate, skipped or cut short by a stop or detach. */
  #attempt(kind: 'start' | 'restart', op: () => Promise<void>): Promise<RunEnd | typeof INTERRUPTED | undefined> {
    return gatedAttempt(this.#gate, kind, op, () => this.#stopRequested || this.#detached);
  }

  /** Marks `handle` as the live workload, starts its health checks and reports. */
  #running(handle: WorkloadHandle, startedAt: number): void {
    this.#handle = handle;
    this.#live = handle;
    this.#killedForHealth = false;
    const prober = new HealthProber({
      spec: this.task.spec.healthcheck,
      driver: this.#driver,
      handle,
      clock: this.#clock,
      startedAt,
      onChange: (change) => this.#onHealth(prober, change),
    });
    this.#prober = prober;
    this.#report.running(handle, startedAt, prober.state, prober.message);
    if (!this.#detached) prober.start();
  }

  async #waitForExit(handle: WorkloadHandle): Promise<RunEnd> {
    let exit: ExitResult;
    try {
      exit = await this.#driver.wait(handle);
    } catch (err) {
      // The runtime lost track of it (engine gone, workload removed behind our back).
      exit = { exitCode: -1, oomKilled: false, finishedAt: this.#clock.now(), message: errorMessage(err) };
    }
    this.#prober?.stop();
    this.#live = undefined;
    return { kind: 'exit', exit, reason: exitReasonOf(exit, this.#killedForHealth) };
  }

  #onHealth(prober: HealthProber, change: HealthChange): void {
    if (prober !== this.#prober || this.#detached) return;
    this.#report.health(change.state, change.message);
    if (change.transition?.to !== 'unhealthy' || this.task.spec.berth.unhealthy === 'flag') return;
    if (this.#live === undefined || this.#killedForHealth || this.#stopRequested) return;
    // Killed like a stop (signal, then grace); its exit then goes to the policy as `unhealthy`.
    this.#killedForHealth = true;
    void this.#stopper.stop(this.#live);
  }

  /** Asks the restart policy about `end`; the tracker sees a failed start as a zero-length run. */
  #decide(end: RunEnd): RestartDecision {
    const now = this.#clock.now();
    if (end.kind === 'start-failed') this.#tracker.started(now);
    // A stop that raced the start may have been forgotten by started(); say it again.
    if (this.#stopRequested) this.#tracker.stoppedByUser();
    const reason = end.kind === 'exit' ? end.reason : 'exit';
    return this.#tracker.exited({ exitCode: exitCodeOf(end), now, reason });
  }

  #recordRestarts(handle: WorkloadHandle): void {
    const { restarts } = this.#report.lifecycle;
    // Best effort: the supervisor persists the count too, so a failure here loses nothing.
    void this.#driver.recordRestarts?.(handle, restarts).catch(() => undefined);
  }
}
