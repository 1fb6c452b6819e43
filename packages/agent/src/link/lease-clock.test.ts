import { describe, expect, it } from 'vitest';
import { DEFAULT_LEASE_GRACE_MS, LeaseClock } from './lease-clock.js';

describe('LeaseClock', () => {
  it('before any acknowledgement runs from the start for the default grace (3 s)', () => {
    const lease = new LeaseClock(100);
    expect(DEFAULT_LEASE_GRACE_MS).toBe(3_000);
    expect(lease.expiresAt).toBe(3_100);
    expect(lease.acknowledged).toBe(false);
    expect(lease.check(3_099)).toBeUndefined();
    expect(lease.check(3_100)).toBe('expired');
    expect(lease.check(5_000)).toBeUndefined(); // said once
    expect(lease.expired).toBe(true);
  });

  it('runs from the send time of the last acknowledged heartbeat, not from when the ack arrived', () => {
    const lease = new LeaseClock(0, 3_000);
    lease.heartbeatSent(1, 1_000);
    lease.heartbeatSent(2, 2_000);
    expect(lease.heartbeatAcked(1)).toBe(true); // arrives at, say, 2_900
    expect(lease.expiresAt).toBe(4_000);
    expect(lease.sinceBasis(4_000)).toBe(3_000);
    expect(lease.acknowledged).toBe(true);
  });

  it('an ack for an older heartbeat than the last acknowledged one does not move the lease back', () => {
    const lease = new LeaseClock(0, 3_000);
    lease.heartbeatSent(1, 1_000);
    lease.heartbeatSent(2, 2_000);
    expect(lease.heartbeatAcked(2)).toBe(true);
    expect(lease.heartbeatAcked(1)).toBe(false); // forgotten with every earlier one
    expect(lease.expiresAt).toBe(5_000);
  });

  it('ignores an ack for a heartbeat it never sent', () => {
    const lease = new LeaseClock(0, 3_000);
    expect(lease.heartbeatAcked(7)).toBe(false);
    expect(lease.expiresAt).toBe(3_000);
  });

  it('after a freeze, late acks for heartbeats sent before it renew nothing; a fresh one renews', () => {
    const lease = new LeaseClock(0, 3_000);
    lease.heartbeatSent(1, 1_000);
    lease.heartbeatSent(2, 2_000);
    // Frozen from 2_000 to 12_000; on resume the lease is checked before the queued acks.
    expect(lease.check(12_000)).toBe('expired');
    lease.heartbeatAcked(1);
    lease.heartbeatAcked(2);
    expect(lease.check(12_001)).toBeUndefined(); // still expired: 2_000 + 3_000 is long past
    lease.heartbeatSent(3, 12_100);
    lease.heartbeatAcked(3);
    expect(lease.check(12_150)).toBe('renewed');
    expect(lease.expiresAt).toBe(15_100);
  });

  it('counts a RegisterAck as acknowledging the Register, and takes the grace it announces', () => {
    const lease = new LeaseClock(0);
    lease.setGrace(0); // not announced: the default stays
    expect(lease.graceMs).toBe(3_000);
    lease.setGrace(5_000);
    lease.acknowledge(800);
    expect(lease.expiresAt).toBe(5_800);
    expect(lease.acknowledged).toBe(true);
  });

  it('forgets unacknowledged heartbeats too old to extend the lease', () => {
    const lease = new LeaseClock(0, 3_000);
    for (let seq = 1; seq <= 100; seq++) lease.heartbeatSent(seq, seq * 1_000);
    expect(lease.heartbeatAcked(90)).toBe(false); // sent at 90 s, more than a grace before 100 s
    expect(lease.heartbeatAcked(99)).toBe(true);
    expect(lease.expiresAt).toBe(102_000);
  });
});
