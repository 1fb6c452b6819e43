/**
 * Runs one run's health checks: probes at the HealthMonitor's `nextProbeAt()` through the
 * driver's `exec`, feeds each result back, and tells the runner about every change of health
 * state or message. The monitor decides; this only owns the timer and the exec call.
 * One prober per run (health does not carry over across restarts); `stop()` when the run ends.
 */
import type { HealthcheckSpec, HealthState } from '@berth/api';
import { HealthMonitor, type HealthTransition } from '../health/monitor.js';
import type { ProbeOutcome } from '../health/probe-log.js';
import type { RuntimeDriver, WorkloadHandle } from '../runtime/runtime.js';
import type { Clock, TimerHandle } from './clock.js';
import { errorMessage } from './run-outcome.js';

/** What a probe changed: the health state and status message now, and the transition if any. */
export interface HealthChange {
  state: HealthState;
  message: string;
  transition?: HealthTransition;
}

/** Probes one workload on a clock. */
export class HealthProber {
  readonly #monitor: HealthMonitor;
  readonly #spec: HealthcheckSpec | undefined;
  readonly #driver: RuntimeDriver;
  readonly #handle: WorkloadHandle;
  readonly #clock: Clock;
  readonly #onChange: (change: HealthChange) => void;
  #timer: TimerHandle | undefined;
  #stopped = false;

  /** A prober for the run of `handle` that started at `startedAt`; call `start()` to begin. */
  constructor(options: {
    spec: HealthcheckSpec | undefined;
    driver: RuntimeDriver;
    handle: WorkloadHandle;
    clock: Clock;
    startedAt: number;
    onChange: (change: HealthChange) => void;
  }) {
    this.#spec = options.spec;
    this.#monitor = new HealthMonitor(options.spec, options.startedAt);
    this.#driver = options.driver;
    this.#handle = options.handle;
    this.#clock = options.clock;
    this.#onChange = options.onChange;
  }

  /** The current health state (`none` without a check). */
  get state(): HealthState {
    return this.#monitor.state;
  }

  /** The monitor's status sentence; empty while all is well. */
  get message(): string {
    return this.#monitor.message;
  }

  /** Schedules the first probe (none without a check). */
  start(): void {
    this.#schedule();
  }

  /** Cancels the next probe and ignores the result of one in flight. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer !== undefined) this.#clock.clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(): void {
    const at = this.#monitor.nextProbeAt();
    if (this.#stopped || at === undefined) return;
    // A probe due in the past (an adopted workload that has run a while) goes now.
    this.#timer = this.#clock.setTimeout(() => void this.#probe(), Math.max(0, at - this.#clock.now()));
  }

  async #probe(): Promise<void> {
    this.#timer = undefined;
    const timings = this.#monitor.timings;
    const test = this.#spec?.test;
    if (this.#stopped || timings === undefined || test === undefined) return;
    const startedAt = this.#clock.now();
    let outcome: ProbeOutcome;
    try {
      const result = await this.#driver.exec(this.#handle, test, timings.timeoutMs);
      outcome = {
        ok: result.exitCode === 0 && !result.timedOut,
        timedOut: result.timedOut,
        output: result.output,
        exitCode: result.exitCode,
        startedAt,
      };
    } catch (err) {
      // A check that cannot even run is a failed check, as in Docker.
      outcome = { ok: false, timedOut: false, output: errorMessage(err), startedAt };
    }
    if (this.#stopped) return;
    const before = this.#monitor.message;
    const transition = this.#monitor.probeResult(this.#clock.now(), outcome);
    this.#schedule();
    if (transition !== undefined || this.#monitor.message !== before) {
      this.#onChange({
        state: this.#monitor.state,
        message: this.#monitor.message,
        ...(transition === undefined ? {} : { transition }),
      });
    }
  }
}
