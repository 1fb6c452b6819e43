import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { certificateFingerprint, createClusterCa, createKeyAndCsr, readCertificate, renewalDelayMs, signCertificate } from '@berth/api/pki';
import { Agent } from '../agent.js';
import { waitUntil } from '../link/test-scheduler.js';
import { FakeClock } from '../task/fake-clock.js';
import { CertificateRenewal, certificateLifeWarning, MAX_TIMER_MS, MIN_RENEWAL_INTERVAL_MS } from './certificate-renewal.js';
import { joinCluster } from './join.js';
import { loadNodeCredentials, type NodeCredentials } from './node-credentials.js';
import { NOT_JOINED_MESSAGE } from './node-enrolment.js';
import { TestClusterServer } from './test-cluster-server.js';

// Long enough that every certificate stays valid in real time (TLS checks the real clock);
// only the renewal timer runs on the fake one.
const VALIDITY_MS = 10 * 60_000;

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

describe('certificateLifeWarning', () => {
  const cert = { notBefore: new Date(0), notAfter: new Date(100_000) };
  it('says nothing while 10% or more of the life is left', () => {
    expect(certificateLifeWarning(cert, 0)).toBeUndefined();
    expect(certificateLifeWarning(cert, 90_000)).toBeUndefined();
  });
  it('warns below 10%, with the expiry and the time left', () => {
    expect(certificateLifeWarning(cert, 90_001)).toBe(
      'the node certificate expires at 1970-01-01T00:01:40.000Z (in 10s) and is not renewed yet',
    );
  });
  it('says what to do once it has expired', () => {
    expect(certificateLifeWarning(cert, 100_000)).toContain('expired at 1970-01-01T00:01:40.000Z');
    expect(certificateLifeWarning(cert, 100_000)).toContain('restart the agent with --token to join again');
  });
});

describe('CertificateRenewal', () => {
  let server: TestClusterServer;
  let dataDir: string;
  let initial: NodeCredentials;
  let nodeId: string;
  const stops: Array<() => Promise<void>> = [];
  beforeAll(async () => {
    server = await TestClusterServer.start({ nodeValidityMs: VALIDITY_MS });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-renew-'));
    nodeId = Math.floor(Math.random() * 2 ** 48).toString(16).padStart(16, '0');
    initial = (await joinCluster({ address: server.address, token: server.token, nodeId, name: 'n', dataDir })).credentials;
  });
  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  function renewal(clock: FakeClock, random: () => number, lines: string[], renewed: NodeCredentials[] = []): CertificateRenewal {
    const r = new CertificateRenewal({
      address: server.address,
      dataDir,
      credentials: initial,
      clock,
      random,
      log: (line) => lines.push(line),
      onRenewed: (c) => renewed.push(c),
    });
    stops.push(() => r.stop());
    return r;
  }

  it('is due at a random point between 50% and 80% of the life', () => {
    const cert = readCertificate(initial.certPem);
    const life = cert.notAfter.getTime() - cert.notBefore.getTime();
    for (const pick of [0, 0.25, 0.999]) {
      const clock = new FakeClock(cert.notBefore.getTime());
      const r = renewal(clock, () => pick, []);
      r.start();
      const due = (r.nextAttemptAt ?? NaN) - cert.notBefore.getTime();
      expect(due).toBe(renewalDelayMs(cert, clock.now(), () => pick));
      expect(due).toBeGreaterThanOrEqual(0.5 * life);
      expect(due).toBeLessThanOrEqual(0.8 * life);
    }
  });

  it('renews at the due time, swaps the files and hands over the new material', async () => {
    const cert = readCertificate(initial.certPem);
    const clock = new FakeClock(cert.notBefore.getTime());
    const lines: string[] = [];
    const renewed: NodeCredentials[] = [];
    const r = renewal(clock, () => 0.5, lines, renewed);
    r.start();
    const due = r.nextAttemptAt ?? NaN;
    await clock.advance(due - clock.now() - 1);
    await sleep(100);
    expect(server.renewals).not.toContain(nodeId);
    expect(await loadNodeCredentials(dataDir)).toEqual(initial);

    await clock.advance(1);
    await waitUntil(() => renewed.length === 1, 'the renewal');
    const stored = await loadNodeCredentials(dataDir);
    expect(stored).toEqual(renewed[0]);
    expect(stored?.keyPem).not.toBe(initial.keyPem);
    expect(readCertificate(stored?.certPem ?? '').commonName).toBe(nodeId);
    expect(r.credentials).toEqual(stored);
    expect(server.renewals).toEqual([nodeId]);
    expect(lines.some((l) => l.startsWith('node certificate renewed: valid until'))).toBe(true);
    // The next renewal is planned on the new certificate.
    const delay = renewalDelayMs(readCertificate(stored?.certPem ?? ''), clock.now(), () => 0.5);
    expect(r.nextAttemptAt).toBe(clock.now() + Math.max(MIN_RENEWAL_INTERVAL_MS, delay));
  });

  it('on a refusal keeps the files, logs, warns when little life is left, and retries with backoff', async () => {
    const cert = readCertificate(initial.certPem);
    const life = cert.notAfter.getTime() - cert.notBefore.getTime();
    // Past 90% of the life: renewal is due at once and the warning is owed.
    const clock = new FakeClock(cert.notBefore.getTime() + 0.95 * life);
    const lines: string[] = [];
    server.revoked.add(nodeId);
    const r = renewal(clock, () => 0.5, lines);
    r.start();
    expect(lines[0]).toMatch(/^warning: the node certificate expires at .* and is not renewed yet$/);
    await clock.advance(0);
    await waitUntil(() => lines.some((l) => l.startsWith('certificate renewal failed')), 'the failed renewal to be logged');
    expect(lines).toContain(
      `certificate renewal failed: the scheduler at ${server.address} refuses node ${nodeId}: node ${nodeId} was removed from the cluster; retrying in 500ms`,
    );
    expect(lines.at(-1)).toMatch(/^warning: the node certificate expires at/);
    // 0.5 × the first backoff ceiling (1 s).
    expect(r.nextAttemptAt).toBe(clock.now() + 500);
    expect(await loadNodeCredentials(dataDir)).toEqual(initial);

    server.revoked.delete(nodeId);
    await clock.advance(500);
    await waitUntil(() => server.renewals.includes(nodeId), 'the retried renewal');
    await waitUntil(() => lines.some((l) => l.startsWith('node certificate renewed')), 'the renewal to be logged');
    expect((await loadNodeCredentials(dataDir))?.certPem).not.toBe(initial.certPem);
  });

  it('waits out a 90-day certificate in steps Node timers can hold', async () => {
    const ca = await createClusterCa();
    const { keyPem, csrPem } = await createKeyAndCsr(nodeId, 'node');
    const { certPem, notBefore } = await signCertificate({ ca, csrPem, role: 'node' });
    const clock = new FakeClock(notBefore.getTime());
    const r = new CertificateRenewal({ address: '127.0.0.1:1', dataDir, credentials: { caPem: ca.certPem, certPem, keyPem }, clock, random: () => 0 });
    stops.push(() => r.stop());
    r.start();
    const due = r.nextAttemptAt ?? NaN;
    expect(due - clock.now()).toBeGreaterThan(MAX_TIMER_MS);
    // Node would fire a longer timeout at once; the armed timer is capped.
    expect(clock.nextTimerAt()).toBe(notBefore.getTime() + MAX_TIMER_MS);
    await clock.advance(MAX_TIMER_MS);
    // Woke early, re-armed for the rest: still waiting for the same point.
    expect(r.nextAttemptAt).toBe(due);
    expect(clock.nextTimerAt()).toBe(due);
  });

  it('stop() disarms the timer', async () => {
    const clock = new FakeClock(readCertificate(initial.certPem).notBefore.getTime());
    const r = renewal(clock, () => 0, []);
    r.start();
    expect(clock.pendingTimers).toBe(1);
    await r.stop();
    expect(clock.pendingTimers).toBe(0);
    expect(r.nextAttemptAt).toBeUndefined();
  });
});

describe('Agent with a cluster certificate', () => {
  let server: TestClusterServer;
  let dataDir: string;
  beforeAll(async () => {
    server = await TestClusterServer.start({ nodeValidityMs: VALIDITY_MS });
  });
  afterAll(async () => {
    await server.close();
  });
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'berth-agent-tls-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('refuses to start without a token or a certificate, writing nothing', async () => {
    const error: unknown = await Agent.start({ dataDir, scheduler: server.address, address: '127.0.0.1', drivers: ['process'] }).catch(
      (e: unknown) => e,
    );
    expect(isBerthError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toBe(NOT_JOINED_MESSAGE);
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('joins, connects over mTLS, renews, and dials with the new certificate after a reconnect', async () => {
    const clock = new FakeClock(Date.now());
    const lines: string[] = [];
    const agent = await Agent.start({
      dataDir,
      scheduler: server.address,
      token: server.token,
      address: '127.0.0.1',
      drivers: ['process'],
      clock,
      random: () => 0.5,
      log: (line) => lines.push(line),
    });
    try {
      const first = await loadNodeCredentials(dataDir);
      expect(first).toBeDefined();
      await waitUntil(() => agent.link.connected, 'the agent to connect');
      expect(server.connections.at(-1)).toEqual({
        commonName: agent.identity.id,
        role: 'node',
        fingerprint: certificateFingerprint(first?.certPem ?? ''),
      });

      await clock.advance((agent.renewal?.nextAttemptAt ?? NaN) - clock.now());
      await waitUntil(() => lines.some((l) => l.startsWith('node certificate renewed')), 'the renewal', 10_000);
      const second = await loadNodeCredentials(dataDir);
      expect(second?.certPem).not.toBe(first?.certPem);

      const before = server.connections.length;
      server.endStreams();
      await waitUntil(() => server.connections.length > before && agent.link.connected, 'the agent to reconnect', 10_000);
      expect(server.connections.at(-1)?.fingerprint).toBe(certificateFingerprint(second?.certPem ?? ''));

      // A removed node is refused for good: one line, no more dialling, `refused` settles.
      server.revoked.add(agent.identity.id);
      server.endStreams();
      await expect(agent.refused).resolves.toBe(`node ${agent.identity.id} was removed from the cluster`);
      expect(lines.filter((l) => l.startsWith('the scheduler refused this node for good: '))).toHaveLength(1);
      const attempts = server.connections.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
      expect(server.connections.length).toBe(attempts);
    } finally {
      await agent.close();
    }
    expect(clock.pendingTimers).toBe(0);
  });
});
