import { describe, expect, it } from 'vitest';
import { dispatcherSettings } from './dispatcher-options.js';

describe('dispatcherSettings', () => {
  it('defaults to a 1 s heartbeat, 3 missed heartbeats (3 s grace) and 10 ms batches', () => {
    const s = dispatcherSettings();
    expect(s).toMatchObject({ heartbeatPeriodMs: 1_000, missedHeartbeats: 3, graceMs: 3_000, batchMs: 10 });
  });

  it('works out the grace from overrides', () => {
    expect(dispatcherSettings({ heartbeatPeriodMs: 50, missedHeartbeats: 4, batchMs: 0 })).toMatchObject({ graceMs: 200, batchMs: 0 });
  });

  it.each([
    [{ heartbeatPeriodMs: 0 }],
    [{ heartbeatPeriodMs: 1.5 }],
    [{ missedHeartbeats: 0 }],
    [{ batchMs: -1 }],
    [{ heartbeatPeriodMs: 2 ** 31, missedHeartbeats: 3 }],
  ])('rejects %j with USAGE', (options) => {
    expect(() => dispatcherSettings(options)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
