/** Parses the time options of the client commands: `--timeout S` and `--since D`. */
import { BerthError } from '@berth/api/domain';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** `--timeout S`: a non-negative number of seconds (fractions allowed) → milliseconds. */
export function parseTimeoutSeconds(value: string, option = '--timeout'): number {
  const seconds = /^\d+(\.\d+)?$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isFinite(seconds)) throw new BerthError('USAGE', `${option} must be a number of seconds (got "${value}")`);
  return Math.round(seconds * 1000);
}

/**
 * `--since D` as `docker logs` takes it: a duration back from `now` (`90s`, `10m`, `1h30m`,
 * `2d`), an RFC 3339 date-time, or Unix seconds. Returns epoch milliseconds.
 */
export function parseSince(value: string, now: number): number {
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return Math.round(Number(text) * 1000);
  const relative = parseDuration(text);
  if (relative !== undefined) return now - relative;
  // Only date-like text goes to Date.parse: it accepts odd things like "1" or "May".
  if (/^\d{4}-\d{2}-\d{2}/.test(text)) {
    const time = Date.parse(text);
    if (!Number.isNaN(time)) return time;
  }
  throw new BerthError('USAGE', `--since must be a duration (10m, 1h30m), a date-time (2024-05-01T12:00:00Z) or Unix seconds (got "${value}")`);
}

/** `1h30m`, `90s`, `250ms` → milliseconds; undefined when `text` is not such a duration. */
export function parseDuration(text: string): number | undefined {
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|s|m|h|d)/g)];
  if (parts.length === 0 || parts.map((p) => p[0]).join('') !== text) return undefined;
  return Math.round(parts.reduce((sum, p) => sum + Number(p[1]) * (UNIT_MS[p[2] ?? ''] ?? 0), 0));
}
