/** `deploy.update_config` / `deploy.rollback_config`, with Swarm's defaults for unset fields. */
import type { UpdateConfigSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { readDurationMs } from './duration.js';
import { mapOf, readChoice, readInteger, readNumber } from './raw-values.js';

/** Swarm's defaults: one task at a time, no delay, pause on failure, 5 s monitor, stop first. */
export const SWARM_UPDATE_DEFAULTS: Readonly<UpdateConfigSpec> = Object.freeze({
  parallelism: 1,
  delayMs: 0,
  failureAction: 'pause',
  monitorMs: 5_000,
  maxFailureRatio: 0,
  order: 'stop-first',
});

const ORDERS = ['stop-first', 'start-first'] as const;

/** Normalizes one update/rollback config; undefined when the section is absent. */
export function normalizeUpdateConfig(
  raw: RawValue | undefined,
  path: ModelPath,
  kind: 'update' | 'rollback',
  diag: Diagnostics,
): UpdateConfigSpec | undefined {
  const m = mapOf(raw);
  if (!m) return undefined;
  // Rolling back a failed rollback is not a thing: Swarm only allows continue or pause there.
  const actions = kind === 'update' ? (['continue', 'rollback', 'pause'] as const) : (['continue', 'pause'] as const);
  const ratio = readNumber(m['max_failure_ratio'], [...path, 'max_failure_ratio'], diag);
  if (ratio !== undefined && ratio > 1) diag.error([...path, 'max_failure_ratio'], `must be between 0 and 1, got ${ratio}`);
  const d = SWARM_UPDATE_DEFAULTS;
  return {
    parallelism: readInteger(m['parallelism'], [...path, 'parallelism'], diag) ?? d.parallelism,
    delayMs: readDurationMs(m['delay'], [...path, 'delay'], diag) ?? d.delayMs,
    failureAction: readChoice(m['failure_action'], actions, [...path, 'failure_action'], diag, 'failure action') ?? d.failureAction,
    monitorMs: readDurationMs(m['monitor'], [...path, 'monitor'], diag) ?? d.monitorMs,
    maxFailureRatio: ratio !== undefined && ratio <= 1 ? ratio : d.maxFailureRatio,
    order: readChoice(m['order'], ORDERS, [...path, 'order'], diag, 'update order') ?? d.order,
  };
}
