/**
 * Signal names and numbers for stop signals and exit statuses. Compose lets users write
 * `SIGTERM`, `TERM`, `sigint` or `15`; Node wants `SIGTERM`. Exit by signal n reports 128 + n,
 * as shells and Docker do.
 */
import { constants } from 'node:os';
import type { ExitResult } from '../runtime.js';

/** A signal Node can send, with its number on this platform. */
export interface SignalInfo {
  name: NodeJS.Signals;
  number: number;
}

const SIGNALS = constants.signals as Readonly<Record<string, number>>;

/** Resolves `SIGTERM` / `TERM` / `term` / `15` to a signal; undefined when it names none. */
export function parseSignal(input: string | number): SignalInfo | undefined {
  if (typeof input === 'number' || /^\s*\d+\s*$/.test(input)) {
    const wanted = Number(input);
    const found = Object.entries(SIGNALS).find(([, n]) => n === wanted);
    // Several names share a number (SIGIOT/SIGABRT); the first listed is the canonical one.
    return found ? { name: found[0] as NodeJS.Signals, number: found[1] } : undefined;
  }
  const upper = input.trim().toUpperCase();
  const name = upper.startsWith('SIG') ? upper : `SIG${upper}`;
  const number = SIGNALS[name];
  return number === undefined ? undefined : { name: name as NodeJS.Signals, number };
}

/**
 * Turns the `(code, signal)` pair of a child's `exit` event into an ExitResult: a signal
 * becomes exit code 128 + n with the signal's name.
 */
export function exitResultFromStatus(
  code: number | null,
  signal: string | null,
  finishedAt: number,
): ExitResult {
  if (signal !== null) {
    const info = parseSignal(signal);
    return { exitCode: 128 + (info?.number ?? 0), signal, oomKilled: false, finishedAt };
  }
  // Neither code nor signal should not happen; -1 marks "unknown" rather than a fake success.
  return { exitCode: code ?? -1, oomKilled: false, finishedAt };
}
