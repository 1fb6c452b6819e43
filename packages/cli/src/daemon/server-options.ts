/** Parsers for the options `berth scheduler` and `berth daemon` share. */
import { BerthError } from '@berth/api/domain';
import { parseDuration } from '../client/durations.js';

/** `--heartbeat-period D` (`1s`, `500ms`) → milliseconds, at least 1. */
export function parseHeartbeatPeriod(value: string): number {
  const ms = parseDuration(value.trim());
  if (ms === undefined || ms < 1) {
    throw new BerthError('USAGE', `--heartbeat-period must be a duration such as 1s or 500ms (got "${value}")`);
  }
  return ms;
}

/** `--missed-heartbeats N`: a whole number of at least 1. */
export function parseMissedHeartbeats(value: string): number {
  const n = /^\d+$/.test(value.trim()) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < 1) {
    throw new BerthError('USAGE', `--missed-heartbeats must be a whole number of at least 1 (got "${value}")`);
  }
  return n;
}

/** `HOST:PORT` with a port in 0..65535 (0: any free port); returned as given. */
export function parseListenAddress(value: string, option: string): string {
  const match = /^(\[[^\]]+\]|[^:\s]+):(\d{1,5})$/.exec(value.trim());
  if (match === null || Number(match[2]) > 65_535) {
    throw new BerthError('USAGE', `${option} must be HOST:PORT, e.g. 127.0.0.1:7400 (got "${value}")`);
  }
  return value.trim();
}
