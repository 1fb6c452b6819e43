/**
 * Stands in for a driver this node does not have, so a task assigned to it goes through the
 * ordinary runner path: it fails to prepare with a message the user can act on, and the restart
 * policy decides whether to try again, instead of the supervisor special-casing it.
 */
import { BerthError, type DriverName } from '@berth/api';
import type {
  DriverAvailability,
  ExecResult,
  ExitResult,
  LogEntry,
  RecoveredWorkload,
  RuntimeDriver,
} from '../runtime/runtime.js';

/** A driver that is not there. */
export class MissingDriver implements RuntimeDriver {
  readonly name: DriverName;

  /** Stands in for driver `name`. */
  constructor(name: DriverName) {
    this.name = name;
  }

  /** Unavailable. */
  detect(): Promise<DriverAvailability> {
    return Promise.resolve({ driver: this.name, available: false, message: this.#why() });
  }

  /** Always fails: nothing can be prepared without the driver. */
  prepare(): Promise<void> {
    return Promise.reject(this.#error());
  }

  /** Always fails. */
  start(): Promise<never> {
    return Promise.reject(this.#error());
  }

  /** Always fails (nothing was started). */
  wait(): Promise<ExitResult> {
    return Promise.reject(this.#error());
  }

  /** Nothing to stop. */
  stop(): Promise<void> {
    return Promise.resolve();
  }

  /** Nothing to remove. */
  remove(): Promise<void> {
    return Promise.resolve();
  }

  /** Always fails. */
  exec(): Promise<ExecResult> {
    return Promise.reject(this.#error());
  }

  /** No logs. */
  logs(): AsyncIterable<LogEntry> {
    return (async function* () {})();
  }

  /** Nothing to recover. */
  recover(): Promise<RecoveredWorkload[]> {
    return Promise.resolve([]);
  }

  #why(): string {
    return `the ${this.name} driver is not available on this node`;
  }

  #error(): BerthError {
    return new BerthError('RUNTIME_UNAVAILABLE', this.#why(), { context: { driver: this.name } });
  }
}
