/**
 * `healthcheck`: the test in its list form (`CMD` / `CMD-SHELL`), `NONE` or `disable: true`
 * turned into `disabled`, and timings in ms with Compose's defaults.
 */
import { DEFAULT_HEALTHCHECK, type HealthcheckSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { readDurationMs } from './duration.js';
import { failed, parsed, type ParseResult } from './parse-result.js';
import { listOf, mapOf, readBoolean, readInteger } from './raw-values.js';

/** A health check test: the argv form, or `disabled` for NONE. */
export type HealthTest = { disabled: true } | { disabled: false; test: string[] };

/**
 * Normalizes `healthcheck.test`. A string is a shell script (`['CMD-SHELL', s]`); a list must
 * start with CMD, CMD-SHELL or NONE; an empty list keeps the image's own test.
 */
export function parseHealthTest(raw: string | readonly string[]): ParseResult<HealthTest> {
  if (typeof raw === 'string') {
    return raw.trim() === '' ? failed('the health check test is empty') : parsed({ disabled: false, test: ['CMD-SHELL', raw] });
  }
  const [kind, ...rest] = raw;
  switch (kind) {
    case undefined:
      return parsed({ disabled: false, test: [] });
    case 'NONE':
      return parsed({ disabled: true });
    case 'CMD':
      return rest.length === 0 ? failed('"CMD" needs a command to run') : parsed({ disabled: false, test: ['CMD', ...rest] });
    case 'CMD-SHELL':
      // Docker joins the words of a CMD-SHELL test into one script; do it here so the spec has one form.
      return rest.length === 0 ? failed('"CMD-SHELL" needs a script to run') : parsed({ disabled: false, test: ['CMD-SHELL', rest.join(' ')] });
    default:
      return failed(`the health check test must start with "CMD", "CMD-SHELL" or "NONE", not ${JSON.stringify(kind)}`);
  }
}

/** Normalizes a service's `healthcheck`; undefined when the service has none. */
export function normalizeHealthcheck(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): HealthcheckSpec | undefined {
  const m = mapOf(raw);
  if (!m) return undefined;
  const testRaw = m['test'];
  const testValue = typeof testRaw === 'string' ? testRaw : listOf(testRaw)?.filter((s): s is string => typeof s === 'string');
  let test: HealthTest = { disabled: false, test: [] };
  if (testValue !== undefined) {
    const r = parseHealthTest(testValue);
    if (r.ok) test = r.value;
    else diag.error([...path, 'test'], r.error);
  }
  const disable = readBoolean(m['disable'], [...path, 'disable'], diag) ?? false;
  if (disable && !test.disabled && test.test.length > 0) {
    diag.warn([...path, 'test'], 'the test is ignored because disable is true');
  }
  const ms = (key: string, fallback: number): number => {
    const v = readDurationMs(m[key], [...path, key], diag);
    // Docker treats 0 as "not set"; keeping 0 would mean probing in a tight loop.
    return v === undefined || v === 0 ? fallback : v;
  };
  return {
    disabled: disable || test.disabled,
    test: disable || test.disabled ? [] : test.test,
    intervalMs: ms('interval', DEFAULT_HEALTHCHECK.intervalMs),
    timeoutMs: ms('timeout', DEFAULT_HEALTHCHECK.timeoutMs),
    retries: readInteger(m['retries'], [...path, 'retries'], diag) ?? DEFAULT_HEALTHCHECK.retries,
    startPeriodMs: readDurationMs(m['start_period'], [...path, 'start_period'], diag) ?? DEFAULT_HEALTHCHECK.startPeriodMs,
    startIntervalMs: ms('start_interval', DEFAULT_HEALTHCHECK.startIntervalMs),
  };
}
