/**
 * The observable side of one task: its lifecycle, health, status message, exit code, runtime id
 * and, once it has ended for good, its final status; and the TaskStatus built from them. The
 * runner decides what happens; this keeps the record straight and reports every change.
 */
import type { HealthState, TaskStatus } from '@berth/api';
import type { RestartDecision } from '../restart/tracker.js';
import type { WorkloadHandle } from '../runtime/runtime.js';
import {
  advance,
  beginRun,
  initialLifecycle,
  type AgentTaskState,
  type Lifecycle,
  type RunStart,
} from './lifecycle.js';
import { endMessage, endStateOf, type RunEnd } from './run-outcome.js';

/** How a task ended for good: gave up, exited without a restart, or stopped. */
export interface FinalStatus {
  state: 'exited' | 'failed' | 'stopped';
  message: string;
  exitCode?: number;
}

/** The record of one task, reporting each change to `onChange` (unless muted). */
export class TaskReport {
  readonly #taskId: string;
  readonly #onChange: (status: TaskStatus) => void;
  #lifecycle: Lifecycle;
  #health: HealthState = 'none';
  #healthMessage = '';
  #message = '';
  #exitCode: number | undefined;
  #runtimeId: string | undefined;
  #final: FinalStatus | undefined;
  /** Set when the runner let go of the task (detached, removed): nothing more is reported. */
  muted = false;

  /** The record of a task assigned at `now`, with `restarts` counted by an earlier agent run. */
  constructor(taskId: string, now: number, restarts: number, onChange: (status: TaskStatus) => void) {
    this.#taskId = taskId;
    this.#lifecycle = initialLifecycle(now, restarts);
    this.#onChange = onChange;
  }

  /** The lifecycle so far. */
  get lifecycle(): Lifecycle {
    return this.#lifecycle;
  }

  /** The final status once the task ended for good; undefined while it may run again. */
  get final(): FinalStatus | undefined {
    return this.#final;
  }

  /** The status to report now. */
  get status(): TaskStatus {
    const state = this.#lifecycle.state;
    const status: TaskStatus = {
      taskId: this.#taskId,
      state,
      health: this.#health,
      // While running, the health check's words are the news; after a run, how it ended.
      message: state === 'running' && this.#message === '' ? this.#healthMessage : this.#message,
      restarts: this.#lifecycle.restarts,
      stateTimes: { ...this.#lifecycle.stateTimes },
      // The driver seam does not report bound ports yet; see the package README.
      ports: [],
    };
    if (this.#exitCode !== undefined) status.exitCode = this.#exitCode;
    if (this.#runtimeId !== undefined) status.runtimeId = this.#runtimeId;
    return status;
  }

  /** Starts over as an adopted task: assigned at `assignedAt`, with `restarts` carried over. */
  adopted(assignedAt: number, restarts: number, handle: WorkloadHandle): void {
    this.#lifecycle = initialLifecycle(assignedAt, restarts);
    this.#runtimeId = handle.id;
  }

  /** Moves forward within the run (see lifecycle.ts); `report` false batches with a later change. */
  move(state: AgentTaskState, at: number, report = true): void {
    const moved = advance(this.#lifecycle, state, at);
    if (!moved.ok) throw new Error(`task ${this.#taskId}: ${moved.reason}`);
    this.#lifecycle = moved.lifecycle;
    if (report) this.#report();
  }

  /** Begins a new run in `first` (a restart, or a user's start); the last exit code is cleared. */
  beginRun(first: RunStart, at: number, cause: 'first' | 'restart' | 'user-start'): void {
    if (cause === 'first') {
      this.move(first, at, false);
    } else {
      const begun = beginRun(this.#lifecycle, first, at, cause);
      if (!begun.ok) throw new Error(`task ${this.#taskId}: ${begun.reason}`);
      this.#lifecycle = begun.lifecycle;
    }
    this.#exitCode = undefined;
    this.#final = undefined;
    this.#report();
  }

  /** The workload `handle` is running since `startedAt`, with this initial health. */
  running(handle: WorkloadHandle, startedAt: number, health: HealthState, healthMessage: string): void {
    this.#runtimeId = handle.id;
    this.#health = health;
    this.#healthMessage = healthMessage;
    this.#message = '';
    if (this.#lifecycle.state !== 'running') this.move('running', startedAt, false);
    this.#report();
  }

  /** The health check's state or words changed. */
  health(state: HealthState, message: string): void {
    this.#health = state;
    this.#healthMessage = message;
    this.#report();
  }

  /** A problem worth saying that does not change the state (a failed stop, remove). */
  note(message: string): void {
    this.#message = message;
    this.#report();
  }

  /** A run ended: `exited`/`failed` by how it ended, or `stopped` after a stop. */
  endRun(end: RunEnd, decision: RestartDecision, at: number, state: FinalStatus['state'] = endStateOf(end)): void {
    if (end.kind === 'exit') this.#exitCode = end.exit.exitCode;
    this.#message = endMessage(end, decision);
    this.move(state, at, false);
    if (state === 'stopped' || decision.action === 'give-up') {
      this.#final = { state, message: this.#message, exitCode: this.#exitCode };
    }
    this.#report();
  }

  /** Ends the task for good in `final`'s state (keeping the last message when `final` has none). */
  finish(final: Partial<FinalStatus> & { state: FinalStatus['state'] }, at: number): void {
    this.#exitCode = 'exitCode' in final ? final.exitCode : this.#exitCode;
    this.#message = final.message ?? this.#message;
    if (this.#lifecycle.state !== final.state) this.move(final.state, at, false);
    this.#final = { state: final.state, message: this.#message, exitCode: this.#exitCode };
    this.#report();
  }

  /** Something went wrong inside the agent: `failed` if the run had not ended, with `message`. */
  internalError(message: string, at: number): void {
    this.#message = message;
    if (!this.#lifecycle.ended) this.move('failed', at, false);
    this.#final = { state: this.#lifecycle.state === 'stopped' ? 'stopped' : endState(this.#lifecycle.state), message, exitCode: this.#exitCode };
    this.#report();
  }

  #report(): void {
    if (!this.muted) this.#onChange(this.status);
  }
}

/** The final state for an ended run's state (`exited` stays, anything else reads as failed). */
function endState(state: AgentTaskState): 'exited' | 'failed' {
  return state === 'exited' ? 'exited' : 'failed';
}
