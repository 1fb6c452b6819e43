/**
 * The health-check state machine of one run of a task, after the Compose Specification and
 * Docker. Pure: the task runner asks when to probe, runs the check, and reports the result with
 * the time; the monitor answers with the state change, if any.
 *
 *              success                       success
 *   starting ───────────▶ healthy ◀───────────────────── unhealthy
 *      │                     │   `retries` counted failures  ▲
 *      └─────────────────────┴───────────────────────────────┘
 *   (`none` when the check is disabled or absent: no probes, no transitions)
 *
 * Rules:
 * - A failure does not count while the task is still `starting` and the probe began inside the
 *   start period. Once a probe has succeeded, every failure counts, even inside the start period:
 *   the Compose Specification says so ("if a health check succeeds during the start period, the
 *   container is considered started and all consecutive failures will be counted").
 * - `retries` consecutive counted failures make the task `unhealthy`; any success makes it
 *   `healthy` (from `starting` too, start period or not).
 * - Probes run `startIntervalMs` apart while the task is `starting` inside its start period, and
 *   `intervalMs` apart otherwise, measured from the end of the previous probe (as Docker does, so
 *   a slow check never overlaps the next). Once healthy, fast probing has done its job.
 * A task that never succeeds is thus `unhealthy` by start period + retries × interval (with
 * instant probes and a start interval no longer than the interval).
 * A restarted task gets a new monitor: health does not carry over between runs.
 */
import type { HealthcheckSpec, HealthState } from '@berth/api';
import {
  appendProbe,
  describeProbe,
  toProbeRecord,
  type ProbeOutcome,
  type ProbeRecord,
} from './probe-log.js';
import { effectiveTimings, type HealthTimings } from './timings.js';

/** A change of health state, for the caller to report and act on (restart on `unhealthy`). */
export interface HealthTransition {
  from: HealthState;
  to: HealthState;
  /** Epoch ms of the probe result that caused it. */
  at: number;
  /** Status sentence, e.g. `health check failed 3 times: exit 1: connection refused`. */
  message: string;
}

/** Tracks one run's health from its probe results. */
export class HealthMonitor {
  readonly #timings: HealthTimings | undefined;
  readonly #startedAt: number;
  #state: HealthState;
  #failingStreak = 0;
  #nextProbeAt: number | undefined;
  #log: ProbeRecord[] = [];

  /** A monitor for a run that started at `startedAt`; `spec` absent or disabled means `none`. */
  constructor(spec: HealthcheckSpec | undefined, startedAt: number) {
    this.#startedAt = startedAt;
    if (spec === undefined || spec.disabled) {
      this.#state = 'none';
      return;
    }
    this.#timings = effectiveTimings(spec);
    this.#state = 'starting';
    this.#nextProbeAt = startedAt + this.#waitAfter(startedAt);
  }

  /** The current health state. */
  get state(): HealthState {
    return this.#state;
  }

  /** Consecutive failures counted towards `retries` (start-period failures are not). */
  get failingStreak(): number {
    return this.#failingStreak;
  }

  /** The effective timings (defaults applied; the runner needs the timeout); undefined for `none`. */
  get timings(): HealthTimings | undefined {
    return this.#timings;
  }

  /** The last few probes, oldest first. */
  get recentProbes(): readonly ProbeRecord[] {
    return this.#log;
  }

  /** Epoch ms when the next probe is due; undefined when there is no check. */
  nextProbeAt(): number | undefined {
    return this.#nextProbeAt;
  }

  /** Record a probe that finished at `now`; returns the state change it caused, if any. */
  probeResult(now: number, outcome: ProbeOutcome): HealthTransition | undefined {
    const timings = this.#timings;
    if (timings === undefined) return undefined;
    const record = toProbeRecord(now, outcome);
    this.#log = appendProbe(this.#log, record);
    const from = this.#state;

    if (record.ok) {
      this.#failingStreak = 0;
      this.#state = 'healthy';
    } else if (this.#counts(outcome.startedAt ?? now, timings)) {
      this.#failingStreak += 1;
      if (this.#failingStreak >= timings.retries) this.#state = 'unhealthy';
    }

    this.#nextProbeAt = now + this.#waitAfter(now);
    if (this.#state === from) return undefined;
    return { from, to: this.#state, at: now, message: this.message };
  }

  /**
   * A status sentence for `berth ps`: empty while all is well (or nothing is known yet),
   * otherwise what the failing check said and how many times.
   */
  get message(): string {
    const timings = this.#timings;
    const last = this.#log.at(-1);
    if (timings === undefined || last === undefined) return '';
    if (last.ok) return ''; // a success always leaves the task healthy
    const said = describeProbe(last, timings.timeoutMs);
    const streak = this.#failingStreak;
    if (this.#state === 'unhealthy') {
      return `health check failed ${streak} ${streak === 1 ? 'time' : 'times'}: ${said}`;
    }
    if (streak === 0) return `health check failing (start period): ${said}`;
    return `health check failing (${streak} of ${timings.retries}): ${said}`;
  }

  /** Whether a failed probe that began at `probeStart` counts towards `retries`. */
  #counts(probeStart: number, timings: HealthTimings): boolean {
    const inStartPeriod = probeStart < this.#startedAt + timings.startPeriodMs;
    return !(this.#state === 'starting' && inStartPeriod);
  }

  /** The pause after a probe (or the start) at `at`, given the state at that moment. */
  #waitAfter(at: number): number {
    const timings = this.#timings;
    if (timings === undefined) return 0;
    const inStartPeriod = at < this.#startedAt + timings.startPeriodMs;
    return this.#state === 'starting' && inStartPeriod
      ? timings.startIntervalMs
      : timings.intervalMs;
  }
}
