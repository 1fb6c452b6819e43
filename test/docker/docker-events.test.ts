// The container event helper against the real engine: the die → start pair of an in-place
// restart, as benchmarks use it, and health events. Objects are labelled and removed by label.
import { afterAll, expect, it } from 'vitest';
import { DockerDriver, subscribeContainerEvents, type ContainerEvent, type ContainerEventStream } from '@berth/agent';
import { describeDocker, removeByTestLabel, TEST_LABEL } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';
import { TestStack } from './docker-task-fixture.js';

/** Reads events until `count` arrived, then closes the subscription. */
async function take(events: ContainerEventStream, count: number): Promise<ContainerEvent[]> {
  const seen: ContainerEvent[] = [];
  for await (const event of events) {
    seen.push(event);
    if (seen.length === count) events.close();
  }
  return seen;
}

await describeDocker('docker container events', ({ docker, runId }) => {
  const driver = new DockerDriver({ docker });
  const stack = new TestStack(runId, 'ev');

  afterAll(async () => {
    await removeByTestLabel(docker, runId);
  });

  it('reports die then start of an in-place restart, with exact engine times', async () => {
    const task = stack.task('crashes', { command: ['sh', '-c', 'exit 1'] });
    await driver.prepare(task);
    const events = await subscribeContainerEvents(docker, { labels: { [TEST_LABEL]: runId, 'io.berth.task': task.ref.taskId } });
    const collected = take(events, 4);

    const first = await driver.start(task);
    await driver.wait(first);
    const second = await driver.start(task, first);
    await driver.wait(second);

    const seen = await collected;
    expect(seen.map((e) => [e.kind, e.containerId])).toEqual([
      ['start', first.id],
      ['die', first.id],
      ['start', first.id],
      ['die', first.id],
    ]);
    const [, crash, restart] = seen;
    expect(crash?.exitCode).toBe(1);
    expect(crash?.attributes['io.berth.task']).toBe(task.ref.taskId);
    // Crash-to-running latency as a benchmark reads it: ordered, never a speed bound here.
    expect((restart?.timeNano ?? 0n) > (crash?.timeNano ?? 0n)).toBe(true);
    expect(Math.abs((crash?.time ?? 0) - Date.now())).toBeLessThan(600_000);
  });

  it('reports health status changes of an engine health check', async () => {
    const label = { [TEST_LABEL]: runId, 'io.berth.test-step': 'health' };
    const events = await subscribeContainerEvents(docker, { labels: label });
    const collected = take(events, 2);
    const container = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '60'],
      Labels: label,
      Healthcheck: { Test: ['CMD', 'true'], Interval: 100_000_000, Timeout: 1_000_000_000, Retries: 1 },
    });
    await container.start();
    const seen = await collected;
    expect(seen.map((e) => e.kind)).toEqual(['start', 'health']);
    expect(seen[1]).toMatchObject({ containerId: container.id, health: 'healthy' });
    await container.remove({ force: true });
  });

  it('ends the iteration when the caller aborts', async () => {
    const controller = new AbortController();
    const events = await subscribeContainerEvents(docker, { labels: { [TEST_LABEL]: `${runId}-nothing` }, signal: controller.signal });
    setTimeout(() => controller.abort(), 50);
    const seen: ContainerEvent[] = [];
    for await (const event of events) seen.push(event);
    expect(seen).toEqual([]);
  });
});
