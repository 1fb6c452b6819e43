import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api/domain';
import { parseHeartbeatPeriod, parseListenAddress, parseMissedHeartbeats } from './server-options.js';

function usageError(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isBerthError(error, 'USAGE')) return error.message;
    throw error;
  }
  throw new Error('expected a USAGE error');
}

describe('server options', () => {
  it('parses heartbeat periods as durations', () => {
    expect(parseHeartbeatPeriod('1s')).toBe(1000);
    expect(parseHeartbeatPeriod('250ms')).toBe(250);
    expect(parseHeartbeatPeriod('1m30s')).toBe(90_000);
    expect(usageError(() => parseHeartbeatPeriod('10'))).toMatch(/--heartbeat-period must be a duration/);
    expect(usageError(() => parseHeartbeatPeriod('0s'))).toMatch(/--heartbeat-period/);
  });

  it('takes whole numbers of missed heartbeats, at least 1', () => {
    expect(parseMissedHeartbeats('3')).toBe(3);
    for (const bad of ['0', '-1', '1.5', 'three', '']) {
      expect(usageError(() => parseMissedHeartbeats(bad))).toMatch(/--missed-heartbeats must be a whole number/);
    }
  });

  it('takes HOST:PORT listen addresses', () => {
    expect(parseListenAddress('127.0.0.1:7400', '--listen')).toBe('127.0.0.1:7400');
    expect(parseListenAddress('[::1]:0', '--listen')).toBe('[::1]:0');
    expect(parseListenAddress('0.0.0.0:65535', '--listen')).toBe('0.0.0.0:65535');
    for (const bad of ['7400', 'host', 'host:99999', ':7400', 'a b:1']) {
      expect(usageError(() => parseListenAddress(bad, '--control-tcp'))).toMatch(/--control-tcp must be HOST:PORT/);
    }
  });
});
