/**
 * The restart backoff curve: how long to wait before the n-th restart of a failure streak.
 * Step 0 (the first restart after a healthy stretch) is immediate, so a one-off crash costs
 * nothing; from step 1 on the delay is `initialMs × multiplier^(step-1)`, capped at `maxMs`:
 * with the defaults 0, 100, 200, 400, … 60 000 ms.
 */
import { DEFAULT_RESTART_BACKOFF, type RestartBackoffSettings } from '@berth/api';

/**
 * Delay in ms before restart number `step` (0-based) of a streak: a whole number, never
 * negative, never above `maxMs`, and non-decreasing in `step`.
 */
export function backoffDelayMs(step: number, settings: RestartBackoffSettings): number {
  // The loader validates settings; these guards only keep a bad value from producing NaN or an
  // infinite timer (setTimeout treats both as "fire now", the opposite of backing off).
  const cap = Number.isFinite(settings.maxMs)
    ? Math.max(0, Math.floor(settings.maxMs))
    : DEFAULT_RESTART_BACKOFF.maxMs;
  if (!(step > 0) || !(settings.initialMs > 0)) return 0;
  // A multiplier below 1 would make the curve shrink as failures pile up; treat it as flat.
  const multiplier = settings.multiplier >= 1 ? settings.multiplier : 1;
  // Large steps overflow to Infinity, which the cap absorbs (initialMs > 0, so never NaN).
  const raw = settings.initialMs * multiplier ** (step - 1);
  return Math.min(cap, Math.round(raw));
}
