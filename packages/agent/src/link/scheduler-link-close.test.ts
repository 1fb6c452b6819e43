// close() must leave nothing behind that keeps the agent process alive. Its own file, so the
// process's baseline of timers and sockets is not muddied by other tests' teardown.
import type { TaskStatus } from '@berth/api';
import { describe, expect, it } from 'vitest';
import { SchedulerLink, type NodeReport } from './scheduler-link.js';
import type { LinkDown, LinkRetry } from './scheduler-link-events.js';
import { TestScheduler, waitUntil } from './test-scheduler.js';

const report: NodeReport = {
  name: 'alpha',
  address: '127.0.0.1',
  labels: {},
  cpus: 1,
  memoryBytes: 1024 ** 3,
  drivers: [{ name: 'process', available: true, message: '' }],
  agentVersion: '0.1.0',
  tasks: [],
  appliedRevision: 0,
};

const running = (taskId: string): TaskStatus => ({
  taskId,
  state: 'running',
  health: 'none',
  message: '',
  restarts: 0,
  stateTimes: { running: 1 },
  ports: [],
});

/** Open timers and sockets of this process, by kind: what would keep it from exiting. */
function handleCounts(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const kind of process.getActiveResourcesInfo()) {
    if (kind === 'Timeout' || kind === 'Immediate' || kind.startsWith('TCP')) {
      counts[kind] = (counts[kind] ?? 0) + 1;
    }
  }
  return counts;
}

const baseline = handleCounts();

/**
 * Sockets (and grpc-js's timers for a dial in flight) wind down asynchronously, so this waits up
 * to 2 s for the baseline. Anything the link leaked outlives that: its heartbeat interval
 * repeats, and the redial test leaves a 5 s backoff pending.
 */
async function expectNoLeftovers(): Promise<void> {
  const same = (): boolean => JSON.stringify(handleCounts()) === JSON.stringify(baseline);
  await waitUntil(same, 'handles released', 2_000).catch(() => undefined);
  expect(handleCounts()).toEqual(baseline);
}

describe('SchedulerLink.close', () => {
  it('ends a registered stream politely, stops for good and leaves no timers or sockets', async () => {
    const scheduler = await TestScheduler.start({ heartbeatPeriodMs: 50 });
    const link = new SchedulerLink({ address: scheduler.address, nodeId: 'n', report: () => report });
    const downs: LinkDown[] = [];
    link.on('disconnected', (d) => downs.push(d));
    link.start();
    await waitUntil(() => scheduler.heartbeatSeqs().length >= 2, 'heartbeats');
    await link.close();
    expect(link.connected).toBe(false);
    expect(downs).toEqual([{ reason: 'closed', message: 'the link was closed' }]);
    // The half-close reached the scheduler, which ended its side.
    await waitUntil(() => scheduler.openStreams === 0, 'the scheduler saw the stream end');
    // Neither a restart nor a status after close does anything.
    link.start();
    link.reportStatuses([running('x')]);
    expect(await link.close()).toBeUndefined();
    await scheduler.close();
    expect(scheduler.registrations()).toHaveLength(1);
    expect(scheduler.statusBatches()).toEqual([]);
    await expectNoLeftovers();
  });

  it('cancels a pending redial', async () => {
    const gone = await TestScheduler.start();
    await gone.close();
    // Two immediate redials, then a 5 s wait that close() must cancel.
    const randoms = [0, 0];
    const link = new SchedulerLink({
      address: gone.address,
      nodeId: 'n',
      report: () => report,
      backoff: { initialMs: 5_000, maxMs: 5_000 },
      random: () => randoms.shift() ?? 0.999,
    });
    const retries: LinkRetry[] = [];
    link.on('retrying', (r) => retries.push(r));
    link.start();
    await waitUntil(() => retries.length === 3, 'three failed dials');
    expect(retries.map((r) => r.delayMs)).toEqual([0, 0, 4_995]);
    link.reportStatuses([running('x')]);
    await link.close();
    await expectNoLeftovers();
  });
});
