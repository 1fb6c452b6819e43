import { describe, expect, it } from 'vitest';
import { dispatcherSettings } from './dispatcher-options.js';

describe('dispatcherSettings', () => {
  it('defaults to a 1 s heartbeat, 3 missed heartbeats (3 s grace), a 1 s fence margin and 10 ms batches', () => {
    const s = dispatcherSettings();
    expect(s).toMatchObject({ heartbeatPeriodMs: 1_000, missedHeartbeats: 3, graceMs: 3_000, fenceMarginMs: 1_000, batchMs: 10 });
  });

  it('takes a fence margin override, zero included', () => {
    expect(dispatcherSettings({ fenceMarginMs: 0 }).fenceMarginMs).toBe(0);
    expect(dispatcherSettings({ fenceMarginMs: 2_500 }).fenceMarginMs).toBe(2_500);
  });

  it('works out the grace from overrides', () => {
    expect(dispatcherSettings({ heartbeatPeriodMs: 50, missedHeartbeats: 4, batchMs: 0 })).toMatchObject({ graceMs: 200, batchMs: 0 });
  });

  it.each([
    [{ heartbeatPeriodMs: 0 }],
    [{ heartbeatPeriodMs: 1.5 }],
    [{ missedHeartbeats: 0 }],
    [{ batchMs: -1 }],
    [{ fenceMarginMs: -1 }],
    [{ fenceMarginMs: 0.5 }],
    [{ heartbeatPeriodMs: 2 ** 31, missedHeartbeats: 3 }],
  ])('rejects %j with USAGE', (options) => {
    expect(() => dispatcherSettings(options)).toThrow(expect.objectContaining({ code: 'USAGE' }));
  });
});
