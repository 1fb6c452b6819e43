/**
 * An in-memory RuntimeDriver for tests of the runner and supervisor: workloads are records, their
 * lives follow per-task plans (how long a run lasts, how it ends, which operation fails), time
 * comes from an injected Clock, and every call is recorded with its arguments and time.
 *
 * Plans are consumed one per attempt, in order: `prepare` fails with the head plan's
 * `prepareError` (consuming it), `start` consumes the head plan and fails with its `startError`
 * or runs the workload by it. Once a task's plans are used up, `defaultPlan` applies.
 * Like the real drivers, it refuses to start a task that is still running and to remove a
 * workload that is still running, so runner bugs surface as failures instead of passing quietly.
 */
import { constants } from 'node:os';
import { BerthError, type DriverName } from '@berth/api';
import { systemClock, type Clock, type TimerHandle } from '../../task/clock.js';
import type {
  DriverAvailability,
  ExecResult,
  ExitResult,
  LogEntry,
  LogOptions,
  RecoveredWorkload,
  RuntimeDriver,
  StackCleanupReport,
  TaskDescriptor,
  WorkloadHandle,
} from '../runtime.js';

/** How one attempt of a task goes. */
export interface FakeRunPlan {
  /** `prepare` rejects with a BerthError with this message. */
  prepareError?: string;
  /** `start` rejects with a BerthError with this message. */
  startError?: string;
  /** The workload exits by itself this long after starting; undefined = runs until stopped. */
  exitAfterMs?: number;
  /** Exit code of that exit (default 0). */
  exitCode?: number;
  oomKilled?: boolean;
  /** The workload ignores the stop signal; only the kill after the grace period ends it. */
  ignoresStopSignal?: boolean;
}

/** One recorded driver call, with the fake clock's time. */
export type FakeCall =
  | { op: 'prepare'; at: number; taskId: string }
  | { op: 'start'; at: number; taskId: string; previousId?: string }
  | { op: 'stop'; at: number; taskId: string; id: string; signal: string; graceMs: number }
  | { op: 'remove'; at: number; taskId: string; id: string }
  | { op: 'exec'; at: number; taskId: string; id: string; test: string[]; timeoutMs: number }
  | { op: 'recover'; at: number; nodeId: string }
  | { op: 'recordRestarts'; at: number; taskId: string; id: string; restarts: number }
  | { op: 'cleanupStack'; at: number; stack: string; removeVolumes: boolean };

/** Answers a health-check exec; may throw to simulate an exec that could not run. */
export type FakeExecHandler = (
  handle: WorkloadHandle,
  test: string[],
  timeoutMs: number,
) => ExecResult | Promise<ExecResult>;

/** Settings of a fake driver. */
export interface FakeDriverOptions {
  clock?: Clock;
  /** Which driver it pretends to be (default `docker`). */
  name?: DriverName;
  /** The plan of attempts no queued plan covers (default: runs until stopped). */
  defaultPlan?: FakeRunPlan;
  /** How long prepare and start take on the clock (default 0: they settle at once). */
  latencyMs?: { prepare?: number; start?: number };
}

interface FakeWorkload {
  handle: WorkloadHandle;
  plan: FakeRunPlan;
  exit?: ExitResult;
  waiters: ((exit: ExitResult) => void)[];
  timer?: TimerHandle;
  restarts: number;
}

const SIGKILL_EXIT = 128 + 9;

/** The in-memory driver. */
export class FakeDriver implements RuntimeDriver {
  readonly name: DriverName;
  /** Every call so far, oldest first. */
  readonly calls: FakeCall[] = [];
  /** Plan for attempts without a queued plan; tests may replace it at any time. */
  defaultPlan: FakeRunPlan;
  readonly #clock: Clock;
  readonly #plans = new Map<string, FakeRunPlan[]>();
  readonly #workloads = new Map<string, FakeWorkload>();
  readonly #logs = new Map<string, LogEntry[]>();
  readonly #latency: { prepare: number; start: number };
  #execHandler: FakeExecHandler = () => ({ exitCode: 0, output: '', timedOut: false });
  #nextId = 1;
  #inFlight = 0;
  #peakInFlight = 0;

  /** A fake driver on `options.clock` (the real clock by default). */
  constructor(options: FakeDriverOptions = {}) {
    this.#clock = options.clock ?? systemClock;
    this.name = options.name ?? 'docker';
    this.defaultPlan = options.defaultPlan ?? {};
    this.#latency = { prepare: options.latencyMs?.prepare ?? 0, start: options.latencyMs?.start ?? 0 };
  }

  /** Most prepares and starts that were under way at the same time. */
  get peakInFlight(): number {
    return this.#peakInFlight;
  }

  /** Queues plans for the next attempts of `taskId`, in order. */
  plan(taskId: string, ...plans: FakeRunPlan[]): this {
    this.#plans.set(taskId, [...(this.#plans.get(taskId) ?? []), ...plans]);
    return this;
  }

  /** Sets how health-check execs answer (default: exit 0). */
  onExec(handler: FakeExecHandler): this {
    this.#execHandler = handler;
    return this;
  }

  /** Adds output lines `logs()` will yield for `taskId`. */
  writeLog(taskId: string, ...entries: LogEntry[]): this {
    this.#logs.set(taskId, [...(this.#logs.get(taskId) ?? []), ...entries]);
    return this;
  }

  /**
   * Plants a workload as a previous agent run would have left it, for `recover` to find: a
   * running one keeps running per `plan` (its `exitAfterMs` counts from now).
   */
  seed(workload: RecoveredWorkload, plan: FakeRunPlan = {}): this {
    const w: FakeWorkload = { handle: workload.handle, plan, waiters: [], restarts: workload.restarts };
    if (workload.state === 'exited') {
      w.exit = workload.exit ?? { exitCode: -1, oomKilled: false, finishedAt: this.#clock.now() };
    }
    this.#workloads.set(workload.handle.id, w);
    if (workload.state === 'running') this.#scheduleExit(w);
    return this;
  }

  /** Makes `taskId`'s running workload exit now, as a crash would. */
  crash(taskId: string, exitCode = 1, options: { oomKilled?: boolean } = {}): void {
    const w = this.#liveOf(taskId);
    if (w === undefined) throw new Error(`FakeDriver.crash: task ${taskId} is not running`);
    this.#exit(w, { exitCode, oomKilled: options.oomKilled ?? false, finishedAt: this.#clock.now() });
  }

  /** The running workload of `taskId`, if any. */
  running(taskId: string): WorkloadHandle | undefined {
    return this.#liveOf(taskId)?.handle;
  }

  /** Whether a workload with this id exists (running or exited, not removed). */
  has(id: string): boolean {
    return this.#workloads.has(id);
  }

  /** The recorded calls of one kind. */
  callsOf<K extends FakeCall['op']>(op: K): Extract<FakeCall, { op: K }>[] {
    return this.calls.filter((c): c is Extract<FakeCall, { op: K }> => c.op === op);
  }

  /** Always available. */
  detect(): Promise<DriverAvailability> {
    return Promise.resolve({ driver: this.name, available: true, message: 'fake' });
  }

  /** Fails when the head plan says so. */
  async prepare(task: TaskDescriptor): Promise<void> {
    const { taskId } = task.ref;
    this.calls.push({ op: 'prepare', at: this.#clock.now(), taskId });
    await this.#takeTime(this.#latency.prepare);
    const head = this.#plans.get(taskId)?.[0];
    if (head?.prepareError !== undefined) {
      this.#plans.get(taskId)?.shift();
      throw new BerthError('UNAVAILABLE', head.prepareError, { context: { taskId } });
    }
  }

  /** Starts per the next plan; restarts `previous` in place (same id) when it still exists. */
  async start(task: TaskDescriptor, previous?: WorkloadHandle): Promise<WorkloadHandle> {
    const { taskId } = task.ref;
    this.calls.push({
      op: 'start',
      at: this.#clock.now(),
      taskId,
      ...(previous === undefined ? {} : { previousId: previous.id }),
    });
    await this.#takeTime(this.#latency.start);
    const plan = this.#plans.get(taskId)?.shift() ?? this.defaultPlan;
    if (plan.startError !== undefined) {
      throw new BerthError('UNAVAILABLE', plan.startError, { context: { taskId } });
    }
    if (this.#liveOf(taskId) !== undefined) {
      throw new BerthError('CONFLICT', `task ${taskId} is already running`, { context: { taskId } });
    }
    const old = previous === undefined ? undefined : this.#workloads.get(previous.id);
    const inPlace = old !== undefined && old.handle.ref.taskId === taskId;
    const id = inPlace ? old.handle.id : `${this.name}-${this.#nextId++}`;
    const handle: WorkloadHandle = { driver: this.name, id, ref: task.ref, startedAt: this.#clock.now() };
    const w: FakeWorkload = { handle, plan, waiters: [], restarts: old?.restarts ?? 0 };
    this.#workloads.set(id, w);
    this.#scheduleExit(w);
    return handle;
  }

  /** Resolves with the workload's exit (at once if it already exited). */
  async wait(handle: WorkloadHandle): Promise<ExitResult> {
    const w = this.#known(handle);
    if (w.exit !== undefined) return w.exit;
    return new Promise((resolve) => w.waiters.push(resolve));
  }

  /** Ends the workload with the signal's code, or with SIGKILL's after the grace period. */
  async stop(handle: WorkloadHandle, options: { signal: string; graceMs: number }): Promise<void> {
    const w = this.#known(handle);
    this.calls.push({
      op: 'stop',
      at: this.#clock.now(),
      taskId: handle.ref.taskId,
      id: handle.id,
      signal: options.signal,
      graceMs: options.graceMs,
    });
    if (w.exit !== undefined) return;
    const finishedAt = (): number => this.#clock.now();
    if (w.plan.ignoresStopSignal) {
      if (w.timer !== undefined) this.#clock.clearTimeout(w.timer);
      w.timer = this.#clock.setTimeout(
        () => this.#exit(w, { exitCode: SIGKILL_EXIT, signal: 'SIGKILL', oomKilled: false, finishedAt: finishedAt() }),
        options.graceMs,
      );
    } else {
      const signal = signalNumber(options.signal);
      this.#exit(w, { exitCode: 128 + signal, signal: options.signal, oomKilled: false, finishedAt: finishedAt() });
    }
    await this.wait(handle);
  }

  /** Forgets the workload; refuses while it runs. Idempotent. */
  async remove(handle: WorkloadHandle): Promise<void> {
    this.calls.push({ op: 'remove', at: this.#clock.now(), taskId: handle.ref.taskId, id: handle.id });
    await Promise.resolve();
    const w = this.#workloads.get(handle.id);
    if (w === undefined) return;
    if (w.exit === undefined) {
      throw new BerthError('CONFLICT', `workload ${handle.id} is still running`, { context: { id: handle.id } });
    }
    this.#workloads.delete(handle.id);
  }

  /** Answers through the exec handler; rejects when the workload is not running. */
  async exec(handle: WorkloadHandle, test: string[], timeoutMs: number): Promise<ExecResult> {
    this.calls.push({ op: 'exec', at: this.#clock.now(), taskId: handle.ref.taskId, id: handle.id, test, timeoutMs });
    const w = this.#known(handle);
    if (w.exit !== undefined) throw new BerthError('CONFLICT', `workload ${handle.id} is not running`);
    return this.#execHandler(handle, test, timeoutMs);
  }

  /** Yields the lines written with `writeLog` (no following). */
  async *logs(handle: WorkloadHandle, options: LogOptions): AsyncIterable<LogEntry> {
    await Promise.resolve();
    const entries = this.#logs.get(handle.ref.taskId) ?? [];
    yield* options.tail === undefined ? entries : entries.slice(-options.tail);
  }

  /** Every workload of `nodeId` not removed: running ones as running, the rest with their exit. */
  async recover(nodeId: string): Promise<RecoveredWorkload[]> {
    this.calls.push({ op: 'recover', at: this.#clock.now(), nodeId });
    await Promise.resolve();
    return [...this.#workloads.values()]
      .filter((w) => w.handle.ref.nodeId === nodeId)
      .map((w) =>
        w.exit === undefined
          ? { handle: w.handle, state: 'running' as const, restarts: w.restarts }
          : { handle: w.handle, state: 'exited' as const, exit: w.exit, restarts: w.restarts },
      );
  }

  /** Stores the count with the workload, where `recover` finds it. */
  async recordRestarts(handle: WorkloadHandle, restarts: number): Promise<void> {
    this.calls.push({ op: 'recordRestarts', at: this.#clock.now(), taskId: handle.ref.taskId, id: handle.id, restarts });
    await Promise.resolve();
    const w = this.#workloads.get(handle.id);
    if (w !== undefined) w.restarts = restarts;
  }

  /** Records the call; the fake makes no stack objects, so it reports nothing removed or kept. */
  async cleanupStack(stack: string, options: { removeVolumes: boolean }): Promise<StackCleanupReport> {
    this.calls.push({ op: 'cleanupStack', at: this.#clock.now(), stack, removeVolumes: options.removeVolumes });
    await Promise.resolve();
    return { removed: [], kept: [] };
  }

  /** Lets `ms` pass on the clock (a microtask when 0), counting the operation as in flight. */
  async #takeTime(ms: number): Promise<void> {
    this.#inFlight += 1;
    this.#peakInFlight = Math.max(this.#peakInFlight, this.#inFlight);
    try {
      if (ms > 0) await new Promise<void>((resolve) => this.#clock.setTimeout(resolve, ms));
      else await Promise.resolve();
    } finally {
      this.#inFlight -= 1;
    }
  }

  #known(handle: WorkloadHandle): FakeWorkload {
    const w = this.#workloads.get(handle.id);
    if (w === undefined) throw new BerthError('NOT_FOUND', `no workload ${handle.id}`, { context: { id: handle.id } });
    return w;
  }

  #liveOf(taskId: string): FakeWorkload | undefined {
    for (const w of this.#workloads.values()) {
      if (w.handle.ref.taskId === taskId && w.exit === undefined) return w;
    }
    return undefined;
  }

  #scheduleExit(w: FakeWorkload): void {
    const { exitAfterMs } = w.plan;
    if (exitAfterMs === undefined) return;
    const exit = (): void =>
      this.#exit(w, { exitCode: w.plan.exitCode ?? 0, oomKilled: w.plan.oomKilled ?? false, finishedAt: this.#clock.now() });
    // An instant exit still comes after start() resolves, as a real one would.
    if (exitAfterMs <= 0) queueMicrotask(exit);
    else w.timer = this.#clock.setTimeout(exit, exitAfterMs);
  }

  #exit(w: FakeWorkload, result: ExitResult): void {
    if (w.exit !== undefined) return;
    if (w.timer !== undefined) this.#clock.clearTimeout(w.timer);
    w.timer = undefined;
    w.exit = result;
    for (const resolve of w.waiters.splice(0)) resolve(result);
  }
}

/** The number of a stop signal (`SIGTERM`, `TERM`, `15`); SIGKILL's for a name it does not know. */
function signalNumber(signal: string): number {
  if (/^\d+$/.test(signal)) return Number(signal);
  const upper = signal.toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  return (constants.signals as Readonly<Record<string, number>>)[name] ?? 9;
}
