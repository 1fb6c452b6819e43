/**
 * The service-level `x-berth` map: berth's own settings. Compose's schema lets any `x-` key
 * through unchecked, so every value is validated here.
 *
 * ```yaml
 * x-berth:
 *   driver: docker            # or process
 *   restart_backoff: { initial: 100ms, max: 1m, multiplier: 2, reset_after: 10s }
 *   unhealthy: restart        # or flag
 *   placement_strategy: spread  # or binpack
 *   keep_running_when_disconnected: false
 * ```
 */
import { DEFAULT_RESTART_BACKOFF, defaultBerthSettings, type BerthServiceSettings, type RestartBackoffSettings } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { readDurationMs } from './duration.js';
import { listWords, mapOf, readBoolean, readChoice, readNumber } from './raw-values.js';

const KEYS = new Set(['driver', 'restart_backoff', 'unhealthy', 'placement_strategy', 'keep_running_when_disconnected']);
const BACKOFF_KEYS = new Set(['initial', 'max', 'multiplier', 'reset_after']);

/** Normalizes `x-berth` of a service; `path` points at the `x-berth` key. */
export function normalizeBerthSettings(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): BerthServiceSettings {
  const d = defaultBerthSettings();
  if (raw === undefined || raw === null) return d;
  const m = mapOf(raw);
  if (!m) {
    diag.error(path, 'x-berth must be a mapping');
    return d;
  }
  for (const key of Object.keys(m)) if (!KEYS.has(key)) diag.error([...path, key], `unknown x-berth setting ${JSON.stringify(key)}`);
  const choice = <T extends string>(key: string, allowed: readonly T[], what: string): T | undefined => {
    const v = m[key];
    if (v !== undefined && typeof v !== 'string') diag.error([...path, key], `invalid ${what} ${JSON.stringify(v)}: expected ${listWords(allowed)}`);
    return readChoice(v, allowed, [...path, key], diag, what);
  };
  return {
    driver: choice('driver', ['docker', 'process'] as const, 'driver') ?? d.driver,
    restartBackoff: backoff(m['restart_backoff'], [...path, 'restart_backoff'], diag),
    unhealthy: choice('unhealthy', ['restart', 'flag'] as const, 'unhealthy action') ?? d.unhealthy,
    placementStrategy: choice('placement_strategy', ['spread', 'binpack'] as const, 'placement strategy') ?? d.placementStrategy,
    keepRunningWhenDisconnected: flag(m['keep_running_when_disconnected'], [...path, 'keep_running_when_disconnected'], diag) ?? false,
  };
}

function flag(v: RawValue | undefined, path: ModelPath, diag: Diagnostics): boolean | undefined {
  if (v !== undefined && typeof v !== 'boolean' && typeof v !== 'string') diag.error(path, 'expected a boolean (true or false)');
  return readBoolean(v, path, diag);
}

function backoff(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): RestartBackoffSettings {
  const out: RestartBackoffSettings = { ...DEFAULT_RESTART_BACKOFF };
  if (raw === undefined || raw === null) return out;
  const m = mapOf(raw);
  if (!m) {
    diag.error(path, 'restart_backoff must be a mapping');
    return out;
  }
  for (const key of Object.keys(m)) if (!BACKOFF_KEYS.has(key)) diag.error([...path, key], `unknown restart_backoff setting ${JSON.stringify(key)}`);
  const duration = (key: string): number | undefined => {
    const v = m[key];
    if (v !== undefined && typeof v !== 'string' && typeof v !== 'number') diag.error([...path, key], 'expected a duration, e.g. "10s"');
    return readDurationMs(v, [...path, key], diag);
  };
  out.initialMs = duration('initial') ?? out.initialMs;
  out.maxMs = duration('max') ?? out.maxMs;
  out.resetAfterMs = duration('reset_after') ?? out.resetAfterMs;
  const multiplier = m['multiplier'];
  if (multiplier !== undefined && typeof multiplier !== 'number' && typeof multiplier !== 'string') {
    diag.error([...path, 'multiplier'], 'expected a number');
  }
  out.multiplier = readNumber(multiplier, [...path, 'multiplier'], diag, 1) ?? out.multiplier;
  if (out.maxMs < out.initialMs) diag.error([...path, 'max'], `max (${out.maxMs} ms) is less than initial (${out.initialMs} ms)`);
  return out;
}
