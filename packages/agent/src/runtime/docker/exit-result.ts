/**
 * The engine's container state (from inspect) → berth's ExitResult and start time. Pure.
 * The engine stores "never" as 0001-01-01T00:00:00Z, which is not a time worth reporting.
 */
import { constants } from 'node:os';
import type { ExitResult } from '../runtime.js';

/** The parts of `State` from container inspect that an exit is read from. */
export interface EngineContainerState {
  Running: boolean;
  ExitCode: number;
  OOMKilled: boolean;
  Error?: string;
  StartedAt?: string;
  FinishedAt?: string;
}

/** Signal names by number, for exit codes 128+n. */
const SIGNAL_NAMES: ReadonlyMap<number, string> = new Map(
  Object.entries(constants.signals).map(([name, number]) => [number, name]),
);

/**
 * How the container ended. `exitCode` is the wait API's when given (it is the authoritative
 * one), else inspect's. `signal` is inferred from 128+n, as shells and the engine report kills.
 */
export function exitResultOf(state: EngineContainerState, now: number, exitCode = state.ExitCode): ExitResult {
  const signal = exitCode > 128 ? SIGNAL_NAMES.get(exitCode - 128) : undefined;
  const message = state.Error?.trim();
  return {
    exitCode,
    ...(signal ? { signal } : {}),
    oomKilled: state.OOMKilled,
    finishedAt: engineTime(state.FinishedAt) ?? now,
    ...(message ? { message } : {}),
  };
}

/** Epoch ms of an engine timestamp; undefined for the engine's "never" and garbage. */
export function engineTime(stamp: string | undefined): number | undefined {
  if (stamp === undefined) return undefined;
  const ms = Date.parse(stamp);
  return Number.isNaN(ms) || ms <= 0 ? undefined : ms;
}
