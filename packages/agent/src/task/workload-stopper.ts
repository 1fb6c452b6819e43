/**
 * Stopping a task's workload: with the service's stop signal and grace period, or a shorter grace
 * a stop asked for (a fence must be done well inside the scheduler's margin). Callers that stop
 * the workload while a stop is under way (a user's stop during an unhealthy kill, say) share
 * that stop instead of starting a second one. A failed stop becomes a note on the task's status
 * (and `false`), never an exception: nothing a task does throws out of the runner.
 */
import type { ServiceSpec } from '@berth/api';
import type { RuntimeDriver, WorkloadHandle } from '../runtime/runtime.js';
import { errorMessage } from './run-outcome.js';

/** Stops one task's workloads (see the module comment). */
export class WorkloadStopper {
  readonly #spec: Pick<ServiceSpec, 'stopSignal' | 'stopGracePeriodMs'>;
  readonly #driver: RuntimeDriver;
  readonly #note: (message: string) => void;
  /** The stop grace a stop() asked for instead of the service's (a fence's shorter one). */
  #graceMs: number | undefined;
  #stopping: Promise<boolean> | undefined;

  /** Stops workloads of a task of `spec` through `driver`; failures go to `note`. */
  constructor(spec: Pick<ServiceSpec, 'stopSignal' | 'stopGracePeriodMs'>, driver: RuntimeDriver, note: (message: string) => void) {
    this.#spec = spec;
    this.#driver = driver;
    this.#note = note;
  }

  /** Asks for a stop grace of at most `graceMs`; the shortest asked for holds until `reset()`. */
  limitGrace(graceMs: number): void {
    this.#graceMs = Math.min(graceMs, this.#graceMs ?? Infinity);
  }

  /** Back to the service's own grace (a fresh run after a stop). */
  reset(): void {
    this.#graceMs = undefined;
  }

  /**
   * Stops `live` (undefined: nothing runs, nothing to do), or joins the stop under way;
   * resolves false when the driver's stop failed.
   */
  stop(live: WorkloadHandle | undefined): Promise<boolean> {
    if (live === undefined) return Promise.resolve(true);
    if (this.#stopping !== undefined) return this.#stopping;
    const stopping = this.#driver.stop(live, this.#options()).then(
      () => true,
      (err: unknown) => {
        this.#note(`stop failed: ${errorMessage(err)}`);
        return false;
      },
    );
    this.#stopping = stopping;
    void stopping.then(() => {
      if (this.#stopping === stopping) this.#stopping = undefined;
    });
    return stopping;
  }

  /** Stops a workload whose start finished after a stop was asked for; failures become a note. */
  async stopLateStart(handle: WorkloadHandle): Promise<void> {
    try {
      await this.#driver.stop(handle, this.#options());
    } catch (err) {
      this.#note(`stop failed: ${errorMessage(err)}`);
    }
  }

  #options(): { signal: string; graceMs: number } {
    return { signal: this.#spec.stopSignal, graceMs: this.#graceMs ?? this.#spec.stopGracePeriodMs };
  }
}
