/**
 * The effective timings of a health check. Like Docker, a zero (or otherwise unusable) value
 * means "the default", not "never" or "back to back": an interval of 0 would spin the agent on
 * probes, and retries of 0 would call a task unhealthy before any failure.
 */
import { DEFAULT_HEALTHCHECK, type HealthcheckSpec } from '@berth/api';

/** A health check's timings with every default applied; all positive. */
export interface HealthTimings {
  intervalMs: number;
  timeoutMs: number;
  retries: number;
  /** 0 = no start period. */
  startPeriodMs: number;
  startIntervalMs: number;
}

/** The timings a monitor runs with for `spec`, defaults filled in for non-positive values. */
export function effectiveTimings(spec: HealthcheckSpec): HealthTimings {
  return {
    intervalMs: positiveOr(spec.intervalMs, DEFAULT_HEALTHCHECK.intervalMs),
    timeoutMs: positiveOr(spec.timeoutMs, DEFAULT_HEALTHCHECK.timeoutMs),
    retries: Math.ceil(positiveOr(spec.retries, DEFAULT_HEALTHCHECK.retries)),
    startPeriodMs: positiveOr(spec.startPeriodMs, 0),
    startIntervalMs: positiveOr(spec.startIntervalMs, DEFAULT_HEALTHCHECK.startIntervalMs),
  };
}

/** `value` when it is a positive finite number, else `fallback`. */
function positiveOr(value: number, fallback: number): number {
  return Number.isFinite(value) && value > 0 ? value : fallback;
}
