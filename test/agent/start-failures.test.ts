// Acceptance: a task that cannot start (its image is missing, its host port is taken) ends
// `failed` with a message that says why, and does not hold up the other tasks of the set.
import { createServer, type Server } from 'node:net';
import { afterEach, expect, it } from 'vitest';
import { AgentHarness, sleep } from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { MISSING_IMAGE, TEST_IMAGE } from '../support/images.js';

/** A listener on 127.0.0.1 holding a free port. */
async function holdPort(): Promise<{ server: Server; port: number }> {
  const server = createServer();
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return { server, port: address.port };
}

await describeDocker('agent e2e: tasks that cannot start', ({ docker }) => {
  let harness: AgentHarness | undefined;
  let held: Server | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
    await new Promise<void>((resolve) => (held ? held.close(() => resolve()) : resolve()));
    held = undefined;
  });

  it('fails a missing image and a taken host port with clear messages while the rest runs on', async () => {
    const { server, port } = await holdPort();
    held = server;
    harness = await AgentHarness.create({ address: '127.0.0.51', drivers: ['docker'], docker });
    const h = harness;
    await h.startAgent();
    // pull_policy: never, so nothing ever reaches for a registry.
    const stack = h.loadStack(`
services:
  ok:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sleep", "300"]
  noimage:
    image: ${MISSING_IMAGE}
    pull_policy: never
  porttaken:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sleep", "300"]
    ports:
      - "127.0.0.1:${port}:80"
`);
    const tasks = h.assignmentsFor(stack);
    const id = (service: string): string => AgentHarness.taskId(stack, service, 1);
    const since = h.push(tasks);
    const latest = await h.waitForAll(
      tasks.map((t) => t.taskId),
      (s) => s.state === 'running' || s.state === 'failed',
      'running or failed',
      { since },
    );

    const noimage = latest.get(id('noimage'));
    expect(noimage?.state).toBe('failed');
    expect(noimage?.message).toBe(
      `image "${MISSING_IMAGE}" not found and pull_policy is never; not restarted (restart policy "none")`,
    );
    expect(noimage?.runtimeId).toBeUndefined();

    const taken = latest.get(id('porttaken'));
    expect(taken?.state).toBe('failed');
    expect(taken?.message).toBe(`port 127.0.0.1:${port} is already taken on this node; not restarted (restart policy "none")`);

    const ok = latest.get(id('ok'));
    expect(ok?.state).toBe('running');

    // A while later nothing changed: the failures are final, `ok` still runs, and the
    // container that could not bind its port was not left behind.
    await sleep(500);
    const now = h.latest(since);
    expect(now.get(id('noimage'))?.state).toBe('failed');
    expect(now.get(id('porttaken'))?.state).toBe('failed');
    expect(now.get(id('ok'))).toMatchObject({ state: 'running', restarts: 0, runtimeId: ok?.runtimeId });
    const containers = await h.containers(stack);
    expect(containers.map((c) => [c.Labels['io.berth.service'], c.State])).toEqual([['ok', 'running']]);
  }, 40_000);

  it('retries failed starts with backoff under restart: always, and says so', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.52', drivers: ['docker'], docker });
    const h = harness;
    await h.startAgent();
    const stack = h.loadStack(`
services:
  ok:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sleep", "300"]
  noimage:
    image: ${MISSING_IMAGE}
    pull_policy: never
    restart: always
`);
    const since = h.push(h.assignmentsFor(stack));
    const missing = AgentHarness.taskId(stack, 'noimage', 1);
    // The first retry is immediate; the third waits 200 ms, so its failed status is reported.
    const third = await h.waitForStatus(missing, (s) => s.state === 'failed' && s.restarts === 2, 'the second retry failing', {
      since,
    });
    expect(third.message).toBe(`image "${MISSING_IMAGE}" not found and pull_policy is never; restarting in 200 ms`);
    const ok = await h.waitForStatus(AgentHarness.taskId(stack, 'ok', 1), (s) => s.state === 'running', 'ok running', { since });
    expect(ok.restarts).toBe(0);
  }, 40_000);
});
