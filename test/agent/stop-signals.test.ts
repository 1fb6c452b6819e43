// Acceptance: a task left out of the complete set is stopped with its `stop_signal` and given its
// full `stop_grace_period` before it is killed. On Docker both are read from the engine: the die
// event's time and exit code, and the container's own log of which signal its trap caught. The
// process driver is checked through a `desired: stop` assignment, which keeps the task (and its
// log file) and reports `stopped` with the exit code.
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { afterEach, describe, expect, it } from 'vitest';
import type Docker from 'dockerode';
import { subscribeContainerEvents, type ContainerEvent } from '@berth/agent';
import { AgentHarness, STACK_LABEL, isProcessAlive, parseProcessRuntimeId, waitFor } from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';

const GRACE_MS = 2_000;

// busybox sh runs a trap once the running `sleep 0.1` returns, so a signal is seen within 0.1 s.
const STACK = `
services:
  keeper:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]
  stubborn:
    image: ${TEST_IMAGE}
    pull_policy: never
    # Notes SIGTERM and carries on: only the kill after the grace period ends it.
    command: ["sh", "-c", "trap 'echo got TERM' TERM; while true; do sleep 0.1; done"]
    stop_grace_period: 2s
  polite:
    image: ${TEST_IMAGE}
    pull_policy: never
    # Exits with a code naming the signal it got: 3 for INT, 4 for TERM.
    command: ["sh", "-c", "trap 'echo got INT; exit 3' INT; trap 'echo got TERM; exit 4' TERM; while true; do sleep 0.1; done"]
    stop_signal: SIGINT
    stop_grace_period: 20s
`;

/** Follows a container's output until it stops; resolves with all of it (frame headers and all). */
function followLogs(docker: Docker, id: string): Promise<string> {
  return (async (): Promise<string> => {
    const stream = (await docker.getContainer(id).logs({ follow: true, stdout: true, stderr: true })) as unknown as Readable;
    const chunks: Buffer[] = [];
    for await (const chunk of stream) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks).toString('latin1');
  })();
}

await describeDocker('agent e2e: stop signal and grace period', ({ docker }) => {
  let harness: AgentHarness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  /** Runs keeper + `service`, then pushes a set without `service`; the die event of its container. */
  async function removeFromSet(service: 'stubborn' | 'polite', address: string): Promise<{
    die: ContainerEvent;
    removedAt: number;
    logs: string;
    keeperStatus: () => Promise<Docker.ContainerInspectInfo>;
  }> {
    harness = await AgentHarness.create({ address, drivers: ['docker'], docker });
    const h = harness;
    await h.startAgent();
    const stack = h.loadStack(STACK);
    const [keeper] = h.assignmentsFor(stack, { services: ['keeper'] });
    const [task] = h.assignmentsFor(stack, { services: [service] });
    if (keeper === undefined || task === undefined) throw new Error('no assignment');
    const since = h.push([keeper, task]);
    const running = await h.waitForAll([keeper.taskId, task.taskId], (s) => s.state === 'running', 'running', { since });
    const id = running.get(task.taskId)?.runtimeId ?? '';
    const keeperId = running.get(keeper.taskId)?.runtimeId ?? '';

    const events: ContainerEvent[] = [];
    const stream = await subscribeContainerEvents(docker, { labels: { [STACK_LABEL]: stack.name, 'io.berth.service': service } });
    const reading = (async (): Promise<void> => {
      for await (const e of stream) events.push(e);
    })();
    const logs = followLogs(docker, id);
    let die: ContainerEvent;
    let removedAt: number;
    try {
      removedAt = Date.now();
      h.push([keeper]);
      die = await waitFor(() => events.find((e) => e.kind === 'die' && e.containerId === id), `the ${service} container to die`, 30_000, () =>
        h.agent.tail(),
      );
    } finally {
      stream.close();
      await reading;
    }
    // Stopped, then removed by the agent.
    await waitFor(
      async () => (await h.containers(stack)).every((c) => c.Id !== id),
      `the ${service} container to be removed`,
      10_000,
    );
    return { die, removedAt, logs: await logs, keeperStatus: () => docker.getContainer(keeperId).inspect() };
  }

  it('gives a task that ignores SIGTERM its full stop_grace_period, then kills it', async () => {
    const { die, removedAt, logs, keeperStatus } = await removeFromSet('stubborn', '127.0.0.41');
    expect(logs).toContain('got TERM');
    expect(die.exitCode).toBe(137); // SIGKILL: it did not end on its own
    const took = die.time - removedAt;
    expect(took, `killed ${took} ms after the set left it out`).toBeGreaterThanOrEqual(GRACE_MS);
    expect(took).toBeLessThan(GRACE_MS + 8_000);
    expect((await keeperStatus()).State.Running).toBe(true);
  }, 60_000);

  it('stops a stop_signal: SIGINT task with SIGINT', async () => {
    const { die, removedAt, logs, keeperStatus } = await removeFromSet('polite', '127.0.0.42');
    expect(die.exitCode).toBe(3);
    expect(logs).toContain('got INT');
    expect(logs).not.toContain('got TERM');
    // It ended on the signal, long before its 20 s grace would have run out.
    expect(die.time - removedAt).toBeLessThan(10_000);
    expect((await keeperStatus()).State.Running).toBe(true);
  }, 60_000);
});

describe('agent e2e: stop signal and grace period (process driver)', () => {
  let harness: AgentHarness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  it('signals the process group with stop_signal and kills only after stop_grace_period', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.43', drivers: ['process'] });
    const h = harness;
    await h.startAgent();
    // The host's sh: its trap runs once the `sleep 0.1` child (signalled with the group) ends.
    const stack = h.loadStack(`
services:
  stubborn:
    command: ["sh", "-c", "trap 'echo got TERM' TERM; while true; do sleep 0.1; done"]
    stop_grace_period: 2s
    x-berth: {driver: process}
  polite:
    command: ["sh", "-c", "trap 'echo got INT; exit 3' INT; trap 'echo got TERM; exit 4' TERM; while true; do sleep 0.1; done"]
    stop_signal: SIGINT
    stop_grace_period: 20s
    x-berth: {driver: process}
`);
    const tasks = h.assignmentsFor(stack);
    const ids = tasks.map((t) => t.taskId);
    const [stubbornId, politeId] = [AgentHarness.taskId(stack, 'stubborn', 1), AgentHarness.taskId(stack, 'polite', 1)];
    const running = await h.waitForAll(ids, (s) => s.state === 'running', 'running', { since: h.push(tasks) });

    const stopAt = Date.now();
    const since = h.push(h.assignmentsFor(stack, { desired: 'stop' }));
    const stopped = await h.waitForAll(ids, (s) => s.state === 'stopped', 'stopped', { since, timeoutMs: 15_000 });

    const stubborn = stopped.get(stubbornId);
    expect(stubborn?.exitCode).toBe(137);
    const stubbornTook = (stubborn?.stateTimes.stopped ?? 0) - stopAt;
    expect(stubbornTook, `stopped ${stubbornTook} ms after the stop`).toBeGreaterThanOrEqual(2_000);
    expect(stubbornTook).toBeLessThan(2_000 + 8_000);

    const polite = stopped.get(politeId);
    expect(polite?.exitCode).toBe(3);
    expect((polite?.stateTimes.stopped ?? 0) - stopAt).toBeLessThan(10_000);

    const log = (taskId: string): Promise<string> => readFile(path.join(h.dataDir, 'tasks', taskId, 'stdout.log'), 'utf8');
    expect(await log(stubbornId)).toContain('got TERM');
    expect(await log(politeId)).toContain('got INT');
    expect(await log(politeId)).not.toContain('got TERM');
    for (const id of ids) {
      const p = parseProcessRuntimeId(running.get(id)?.runtimeId);
      expect(p && isProcessAlive(p)).toBe(false);
    }
  }, 40_000);
});
