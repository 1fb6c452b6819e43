// The link's lease against a real grpc-js server on loopback (TestScheduler). Bounds on timing
// are loose on purpose (a busy machine delays timers); what is asserted is where the lease is
// measured from and what happens around its expiry.
import { afterEach, describe, expect, it } from 'vitest';
import type { AssignmentSet } from '@berth/api';
import { SchedulerLink, type NodeReport, type SchedulerLinkOptions } from './scheduler-link.js';
import type { LeaseExpiry, LinkDown } from './scheduler-link-events.js';
import { TestScheduler, waitUntil } from './test-scheduler.js';

const PERIOD = 50;
const GRACE = 600;

const report: NodeReport = {
  name: 'alpha',
  address: '127.0.0.1',
  labels: {},
  cpus: 1,
  memoryBytes: 2 ** 30,
  drivers: [],
  agentVersion: 'test',
  tasks: [],
  appliedRevision: 0,
};

const emptySet: AssignmentSet = { kind: 'incremental', revision: 9, assignments: [], removedTaskIds: [] };

describe('SchedulerLink lease', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  });

  async function setup(options: Partial<SchedulerLinkOptions> = {}, timing = { periodMs: PERIOD, graceMs: GRACE }) {
    const scheduler = await TestScheduler.start({ heartbeatPeriodMs: timing.periodMs, graceMs: timing.graceMs });
    cleanups.push(() => scheduler.close());
    const link = new SchedulerLink({ address: scheduler.address, nodeId: 'node-1', report: () => report, random: () => 0, ...options });
    cleanups.push(() => link.close());
    const events: string[] = [];
    const expiries: (LeaseExpiry & { at: number })[] = [];
    const downs: LinkDown[] = [];
    let lastAckedSeq = 0;
    link.on('leaseExpired', (e) => {
      events.push('leaseExpired');
      expiries.push({ ...e, at: Date.now() });
    });
    link.on('leaseRenewed', () => events.push('leaseRenewed'));
    link.on('assignments', () => events.push('assignments'));
    link.on('connected', () => events.push('connected'));
    link.on('disconnected', (d) => downs.push(d));
    link.on('heartbeatAck', (ack) => (lastAckedSeq = ack.seq));
    link.start();
    await waitUntil(() => events.includes('connected'), 'the link to connect');
    return { scheduler, link, events, expiries, downs, lastAcked: () => lastAckedSeq };
  }

  /** When (epoch ms, the link's clock) heartbeat `seq` was sent, as the scheduler received it. */
  const sentAt = (scheduler: TestScheduler, seq: number): number => {
    const hb = scheduler.received.find((m) => m.kind === 'heartbeat' && m.seq === seq);
    if (hb?.kind !== 'heartbeat') throw new Error(`no heartbeat ${seq}`);
    return hb.time;
  };

  it('expires a grace after the send of the last acknowledged heartbeat when the scheduler stops acking, then ends the stream', async () => {
    const { scheduler, link, expiries, downs, lastAcked } = await setup();
    await waitUntil(() => lastAcked() >= 2, 'two acknowledged heartbeats');
    scheduler.setAckHeartbeats(false);
    const stoppedAt = Date.now();
    await waitUntil(() => expiries[0], 'the lease to expire', 5_000);
    const expiry = expiries[0]!;
    const basis = sentAt(scheduler, lastAcked());

    expect(expiry.acknowledged).toBe(true);
    expect(expiry.graceMs).toBe(GRACE);
    // Measured from the send of the last acked heartbeat, which came before acks stopped.
    expect(basis).toBeLessThanOrEqual(stoppedAt);
    expect(expiry.at - basis).toBeGreaterThanOrEqual(GRACE - 2);
    expect(expiry.at - basis).toBeLessThan(GRACE + 400);
    expect(expiry.sinceAcknowledgedMs).toBeGreaterThanOrEqual(GRACE);
    expect(expiry.sinceAcknowledgedMs).toBeLessThan(GRACE + 400);
    // Heartbeats kept flowing unacknowledged: they did not extend the lease.
    expect(scheduler.heartbeatSeqs().at(-1)!).toBeGreaterThan(lastAcked());
    expect(link.leaseExpired).toBe(true);
    await waitUntil(() => downs[0], 'the stream to be let go');
    expect(downs[0]!.reason).toBe('expired');
  });

  it('is renewed by the next registration once the scheduler answers again', async () => {
    const { scheduler, link, events, downs } = await setup();
    scheduler.setAckHeartbeats(false);
    await waitUntil(() => events.includes('leaseExpired'), 'the lease to expire', 5_000);
    scheduler.setAckHeartbeats(true);
    await waitUntil(() => events.includes('leaseRenewed'), 'the lease to be renewed', 5_000);
    expect(downs.map((d) => d.reason)).toEqual(['expired']);
    expect(scheduler.registrations()).toHaveLength(2);
    expect(events.slice(events.indexOf('leaseExpired'))).toEqual(['leaseExpired', 'leaseRenewed', 'connected']);
    expect(link.leaseExpired).toBe(false);
    // Acked heartbeats keep it current.
    await new Promise((resolve) => setTimeout(resolve, GRACE + 200));
    expect(events.filter((e) => e === 'leaseExpired')).toHaveLength(1);
  });

  it('after a freeze, checks the lease before handling anything that arrived meanwhile', async () => {
    let frozenFor = 0;
    // A long period, so no heartbeat tick (which checks the lease too) comes before the message.
    const { scheduler, link, events, downs } = await setup({ monotonicNow: () => performance.now() + frozenFor }, { periodMs: 1_000, graceMs: 3_000 });
    // As after SIGSTOP/SIGCONT: the monotonic clock jumped, no timer has fired yet, and the
    // first thing the agent sees is a message the scheduler sent meanwhile.
    frozenFor = 10_000;
    scheduler.pushAssignments(emptySet);
    await waitUntil(() => events.includes('leaseExpired'), 'the lease to expire');
    expect(events.includes('assignments')).toBe(false); // the stale set was never handed on
    expect(downs.map((d) => d.reason)).toEqual(['expired']);
    // Registering afresh renews it; only then is the node told again what to run.
    await waitUntil(() => events.includes('leaseRenewed'), 'a fresh registration');
    expect(link.leaseExpired).toBe(false);
    expect(scheduler.registrations()).toHaveLength(2);
  });

  it('before anything is acknowledged, runs from the link’s start for the default grace', async () => {
    const scheduler = await TestScheduler.start({ ackRegistrations: false });
    cleanups.push(() => scheduler.close());
    const link = new SchedulerLink({ address: scheduler.address, nodeId: 'node-1', report: () => report, defaultGraceMs: 300 });
    cleanups.push(() => link.close());
    const expiries: LeaseExpiry[] = [];
    link.on('leaseExpired', (e) => expiries.push(e));
    const startedAt = Date.now();
    link.start();
    await waitUntil(() => expiries[0], 'the lease to expire');
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(298);
    expect(expiries[0]).toMatchObject({ acknowledged: false, graceMs: 300 });
  });
});
