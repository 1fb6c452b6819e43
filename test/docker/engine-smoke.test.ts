// Smoke test against the real engine: the calls berth's Docker runtime is built on work here,
// on the local test image, without ever pulling.
import { afterAll, expect, it } from 'vitest';
import { describeDocker, removeByTestLabel, TEST_LABEL } from '../support/docker.js';
import { MISSING_IMAGE, TEST_IMAGE } from '../support/images.js';
import { pingDocker } from '@berth/agent';

await describeDocker('Docker engine smoke', ({ docker, runId }) => {
  const labels = { [TEST_LABEL]: runId, 'io.berth.stack': 'smoke' };
  const byRun = { label: [`${TEST_LABEL}=${runId}`] };

  // By label, whatever step failed, so a broken run leaves nothing behind.
  afterAll(async () => {
    await removeByTestLabel(docker, runId);
    expect(await docker.listContainers({ all: true, filters: byRun })).toEqual([]);
  });

  it('answers a ping with its version', async () => {
    const ping = await pingDocker(docker, 5_000);
    expect(ping).toMatchObject({ ok: true, version: expect.stringMatching(/^\d+\.\d+/) });
  });

  it('lists containers', async () => {
    const all = await docker.listContainers({ all: true });
    expect(Array.isArray(all)).toBe(true);
    for (const c of all) expect(c.Id).toMatch(/^[0-9a-f]{64}$/);
  });

  it('creates, starts, finds by label, stops and removes a container', async () => {
    const created = await docker.createContainer({
      Image: TEST_IMAGE,
      Cmd: ['sleep', '30'],
      Labels: labels,
    });

    await created.start();
    const running = await created.inspect();
    expect(running.State.Running).toBe(true);
    expect(running.Config.Labels).toMatchObject(labels);

    const listed = await docker.listContainers({ filters: byRun });
    expect(listed.map((c) => c.Id)).toEqual([created.id]);
    expect(listed[0]?.Labels['io.berth.stack']).toBe('smoke');

    // sleep is PID 1 and ignores SIGTERM, so this also proves the kill after the timeout.
    await created.stop({ t: 1 });
    const stopped = await created.inspect();
    expect(stopped.State.Running).toBe(false);
    expect(stopped.State.ExitCode).toBe(137);

    await created.remove();
    await expect(created.inspect()).rejects.toMatchObject({ statusCode: 404 });
    expect(await docker.listContainers({ all: true, filters: byRun })).toEqual([]);
  });

  it('fails fast with 404 when the image is not local (never pulls)', async () => {
    // Its own label value, so a container left by an earlier failed step cannot confuse it.
    const step = { ...labels, 'io.berth.smoke-step': 'missing-image' };
    const started = Date.now();
    const attempt = docker.createContainer({ Image: MISSING_IMAGE, Labels: step });
    await expect(attempt).rejects.toMatchObject({
      statusCode: 404,
      message: expect.stringMatching(/no such image/i),
    });
    expect(Date.now() - started).toBeLessThan(5_000);
    const filters = { label: ['io.berth.smoke-step=missing-image', `${TEST_LABEL}=${runId}`] };
    expect(await docker.listContainers({ all: true, filters })).toEqual([]);
  });
});
