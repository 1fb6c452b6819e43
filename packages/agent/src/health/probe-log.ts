/**
 * The last few probe results of a health check and their one-line summaries, kept for status
 * messages (`berth ps`: `health check failed 3 times: exit 1: connection refused`) and inspect.
 */

/** How one probe went, as the task runner reports it. */
export interface ProbeOutcome {
  /** The check exited 0 in time. */
  ok: boolean;
  /** The check did not finish within its timeout; a failure whatever `ok` says. */
  timedOut: boolean;
  /** Combined stdout/stderr of the check. */
  output: string;
  /** The check's exit code, when it ran to completion. */
  exitCode?: number;
  /** Epoch ms when the probe began; defaults to when its result is reported. */
  startedAt?: number;
}

/** One remembered probe. */
export interface ProbeRecord {
  /** Epoch ms when the result came in. */
  at: number;
  ok: boolean;
  timedOut: boolean;
  exitCode?: number;
  /** Output, trimmed and cut to {@link MAX_OUTPUT_CHARS}. */
  output: string;
}

/** How many probes a monitor remembers (Docker keeps 5 too). */
export const PROBE_LOG_SIZE = 5;

/** Output kept per probe, like Docker's 4 KiB cap; the summaries are much shorter still. */
export const MAX_OUTPUT_CHARS = 4096;

/** Longest output excerpt inside a one-line summary. */
const SUMMARY_OUTPUT_CHARS = 200;

/** The record of `outcome`, reported at `now`. */
export function toProbeRecord(now: number, outcome: ProbeOutcome): ProbeRecord {
  const record: ProbeRecord = {
    at: now,
    ok: outcome.ok && !outcome.timedOut,
    timedOut: outcome.timedOut,
    output: outcome.output.trim().slice(0, MAX_OUTPUT_CHARS),
  };
  if (outcome.exitCode !== undefined) record.exitCode = outcome.exitCode;
  return record;
}

/** `log` with `record` appended, oldest dropped beyond {@link PROBE_LOG_SIZE}. */
export function appendProbe(log: readonly ProbeRecord[], record: ProbeRecord): ProbeRecord[] {
  return [...log, record].slice(-PROBE_LOG_SIZE);
}

/**
 * One line for a probe: `timed out after 30000 ms`, `exit 1: connection refused`, `exit 1`,
 * or the output alone when no exit code is known.
 */
export function describeProbe(record: ProbeRecord, timeoutMs: number): string {
  if (record.timedOut) return `timed out after ${timeoutMs} ms`;
  const output = oneLine(record.output);
  if (record.exitCode === undefined) return output || (record.ok ? 'ok' : 'failed');
  return output ? `exit ${record.exitCode}: ${output}` : `exit ${record.exitCode}`;
}

/** `text` on one line (whitespace runs become one space), cut with an ellipsis. */
function oneLine(text: string): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > SUMMARY_OUTPUT_CHARS ? `${flat.slice(0, SUMMARY_OUTPUT_CHARS - 1)}…` : flat;
}
