// Acceptance: a task crashing every 0.2 s is restarted on berth's backoff curve: the first restart
// at once, then 100, 200, 400, 800, 1600 ms. The delay each restart waited is read from the task's
// own status times (run k ended at stateTimes.failed, run k+1 entered `starting`), and on Docker
// also from the engine's die → start events: never shorter than the backoff, and bracketing
// the agent's own times.
import { afterAll, describe, expect, it } from 'vitest';
import type { TaskStatus } from '@berth/api';
import { subscribeContainerEvents, type ContainerEvent } from '@berth/agent';
import { AgentHarness, parseProcessRuntimeId, STACK_LABEL, waitFor } from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';

/** Backoff before restart k (1-based) of a crash loop with the default settings. */
const EXPECTED_DELAYS_MS = [0, 100, 200, 400, 800, 1600];
const RESTARTS = EXPECTED_DELAYS_MS.length;

/** Timers fire late, never early (Node may round 1 ms down); how late is allowed. */
function tolerance(expectedMs: number): number {
  return expectedMs * 0.1 + 5;
}

/**
 * The delay applied before each restart k = 1..n, from statuses of run k while it was starting or
 * running: their `failed` time is still run k-1's end, their `starting` time run k's start.
 */
function appliedDelays(history: TaskStatus[], n: number): number[] {
  return Array.from({ length: n }, (_, i) => {
    const k = i + 1;
    const status = history.find((s) => s.restarts === k && (s.state === 'starting' || s.state === 'running'));
    const started = status?.stateTimes.starting;
    const ended = Math.max(status?.stateTimes.failed ?? -Infinity, status?.stateTimes.exited ?? -Infinity);
    if (status === undefined || started === undefined || !Number.isFinite(ended)) {
      throw new Error(`no status of restart ${k} with its start and the previous run's end: ${JSON.stringify(history.slice(-3))}`);
    }
    return started - ended;
  });
}

function expectOnCurve(delays: number[]): void {
  delays.forEach((delay, i) => {
    const expected = EXPECTED_DELAYS_MS[i] ?? NaN;
    expect(delay, `restart ${i + 1}: waited ${delay} ms, backoff ${expected} ms`).toBeGreaterThanOrEqual(expected - 1);
    expect(delay, `restart ${i + 1}: waited ${delay} ms, backoff ${expected} ms`).toBeLessThanOrEqual(expected + tolerance(expected));
  });
}

/**
 * Each run's end says which delay the agent is about to apply. (After an immediate restart the
 * next status replaces `failed` within one 25 ms status batch, so only delayed ones are seen.)
 */
function expectFailedMessages(history: TaskStatus[]): void {
  for (const [run, expected] of EXPECTED_DELAYS_MS.entries()) {
    if (expected === 0) continue;
    const failed = history.find((s) => s.state === 'failed' && s.restarts === run);
    expect(failed?.message, `end of run ${run}`).toBe(`exited with code 1; restarting in ${expected} ms`);
  }
}

const CRASH_LOOP = (driver: 'docker' | 'process'): string => `
services:
  crashloop:
${driver === 'docker' ? `    image: ${TEST_IMAGE}\n    pull_policy: never\n` : '    x-berth: {driver: process}\n'}    command: ["sh", "-c", "sleep 0.2; exit 1"]
    restart: always
`;

await describeDocker('agent e2e: restart backoff (docker)', ({ docker }) => {
  let harness: AgentHarness | undefined;
  afterAll(async () => {
    await harness?.cleanup();
  });

  it('restarts a container exiting 1 every 0.2 s after 0, 100, 200, 400, 800, 1600 ms', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.11', drivers: ['docker'], docker });
    const h = harness;
    await h.startAgent();
    const stack = h.loadStack(CRASH_LOOP('docker'));
    const [task] = h.assignmentsFor(stack);
    if (task === undefined) throw new Error('no assignment');

    const events: ContainerEvent[] = [];
    const stream = await subscribeContainerEvents(docker, { labels: { [STACK_LABEL]: stack.name } });
    const reading = (async (): Promise<void> => {
      for await (const e of stream) events.push(e);
    })();
    try {
      const since = h.push([task]);
      await h.waitForStatus(task.taskId, (s) => s.restarts === RESTARTS && s.state === 'running', `restart ${RESTARTS} running`, {
        since,
        timeoutMs: 25_000,
      });
      // Run k's start and run k-1's die for every restart: RESTARTS dies, RESTARTS + 1 starts.
      await waitFor(
        () => events.filter((e) => e.kind === 'start').length > RESTARTS && events.filter((e) => e.kind === 'die').length >= RESTARTS,
        'engine events of every restart',
        5_000,
      );
    } finally {
      stream.close();
      await reading;
    }

    const history = h.history(task.taskId);
    const delays = appliedDelays(history, RESTARTS);
    expectOnCurve(delays);
    // Every run failed with exit 1, and the message said which delay the agent would apply.
    expectFailedMessages(history);
    // Restarted in place: one container throughout.
    expect(new Set(history.flatMap((s) => (s.runtimeId ? [s.runtimeId] : []))).size).toBe(1);

    // The engine's view: die of run k → start of run k+1, in engine time.
    const ordered = [...events].sort((a, b) => (a.timeNano < b.timeNano ? -1 : a.timeNano > b.timeNano ? 1 : 0));
    const starts = ordered.filter((e) => e.kind === 'start');
    const dies = ordered.filter((e) => e.kind === 'die');
    expect(dies.slice(0, RESTARTS).every((d) => d.exitCode === 1)).toBe(true);
    const gaps = Array.from({ length: RESTARTS }, (_, k) => {
      const die = dies[k];
      const start = starts[k + 1];
      if (!die || !start) throw new Error(`missing engine events for restart ${k + 1}`);
      expect(die.timeNano < start.timeNano).toBe(true);
      return Number(start.timeNano - die.timeNano) / 1e6;
    });
    // The engine's events bracket the agent's own times: it saw the die before the agent
    // reported the run failed, and started the container after the agent began the restart.
    const restart = (k: number): TaskStatus | undefined =>
      history.find((s) => s.restarts === k + 1 && (s.state === 'starting' || s.state === 'running'));
    const ms = (e: ContainerEvent | undefined): number => Number((e?.timeNano ?? 0n) / 1_000n) / 1_000;
    for (let k = 0; k < RESTARTS; k += 1) {
      expect(restart(k)?.stateTimes.failed ?? 0, `restart ${k + 1}: failed after the engine's die`).toBeGreaterThanOrEqual(ms(dies[k]) - 2);
      expect(ms(starts[k + 1]), `restart ${k + 1}: engine start after the agent's starting`).toBeGreaterThanOrEqual(
        (restart(k)?.stateTimes.starting ?? Infinity) - 2,
      );
    }
    // So the engine's gap holds the agent's delay and is never shorter than the backoff…
    const shown = gaps.map((g) => g.toFixed(1)).join(', ');
    gaps.forEach((gap, k) => expect(gap, `engine gap ${k + 1} of ${shown} ms`).toBeGreaterThanOrEqual((EXPECTED_DELAYS_MS[k] ?? 0) - 2));
    // What the engine's gaps hold besides the backoff (the engine handing the exit back, then
    // starting the container) depends on the host's load: from tens of ms to over a second
    // here at a load of 8 on 2 CPUs. So they are bounded below and reported, not ordered; the
    // latency itself is measured by bench/agent-restart.mjs.
    const dieToRestart = gaps.map((gap, k) => gap - (ms(starts[k + 1]) - (restart(k)?.stateTimes.starting ?? 0)));
    const shownAdjusted = dieToRestart.map((g) => g.toFixed(1)).join(', ');
    console.info(
      `[backoff docker] applied ${delays.join(', ')} ms; engine die→start ${shown} ms; engine die→agent restart ${shownAdjusted} ms`,
    );
  }, 60_000);
});

describe('agent e2e: restart backoff (process driver)', () => {
  let harness: AgentHarness | undefined;
  afterAll(async () => {
    await harness?.cleanup();
  });

  it('restarts a process exiting 1 every 0.2 s after 0, 100, 200, 400, 800, 1600 ms', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.12', drivers: ['process'] });
    const h = harness;
    await h.startAgent();
    const stack = h.loadStack(CRASH_LOOP('process'));
    const [task] = h.assignmentsFor(stack);
    if (task === undefined) throw new Error('no assignment');
    const since = h.push([task]);
    await h.waitForStatus(task.taskId, (s) => s.restarts === RESTARTS && s.state === 'running', `restart ${RESTARTS} running`, {
      since,
      timeoutMs: 25_000,
    });

    const history = h.history(task.taskId);
    const delays = appliedDelays(history, RESTARTS);
    expectOnCurve(delays);
    expectFailedMessages(history);
    expect(history.filter((s) => s.state === 'failed').every((s) => s.exitCode === 1)).toBe(true);
    // A process cannot be restarted in place: every run is a new process.
    const runs = new Set(history.flatMap((s) => (s.runtimeId ? [s.runtimeId] : [])));
    expect(runs.size).toBe(RESTARTS + 1);
    expect([...runs].every((id) => parseProcessRuntimeId(id) !== undefined)).toBe(true);
    console.info(`[backoff process] applied ${delays.join(', ')} ms`);
  }, 60_000);
});
