// DockerDriver.cleanupStack against the real engine, on the local test image only (never pulls):
// a removed stack's networks go, its named volumes go only when asked, and nothing in use or not
// made by berth for that very stack is touched. Everything made here carries
// io.berth.test=<runId> and is removed by that label.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, expect, it } from 'vitest';
import type { StackSpec } from '@berth/api';
import { Agent, DockerDriver } from '@berth/agent';
import { connectControl, Scheduler } from '@berth/scheduler';
import { describeDocker, removeByTestLabel, TEST_LABEL } from '../support/docker.js';
import { TestStack } from './docker-task-fixture.js';

/** Polls until `check` holds (the agent cleans up after Remove has answered); fails with what it saw last. */
async function eventually(check: () => Promise<boolean>, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await delay(100);
  }
}

await describeDocker('docker stack cleanup', ({ docker, runId }) => {
  const driver = new DockerDriver({ docker });
  const stack = new TestStack(runId, 'cl');
  // Its name starts with the first stack's: a prefix match would wrongly take its network.
  const neighbour = new TestStack(runId, 'clx');

  afterAll(async () => {
    await removeByTestLabel(docker, runId);
    expect(await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${runId}`] } })).toEqual([]);
  });

  const networkNames = async (): Promise<string[]> =>
    (await docker.listNetworks({ filters: { label: [`${TEST_LABEL}=${runId}`] } })).map((n) => n.Name).sort();
  const volumeNames = async (): Promise<string[]> =>
    ((await docker.listVolumes({ filters: { label: [`${TEST_LABEL}=${runId}`] } })).Volumes ?? []).map((v) => v.Name).sort();

  it('removes the stack network, keeps the volume unless asked, and never touches what berth did not make for it', async () => {
    const volumes = { data: stack.volume('data') };
    const task = stack.task(
      'app',
      { command: ['sleep', '300'], volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false }] },
      { volumes },
    );
    await driver.prepare(task);
    const other = neighbour.task('app');
    await driver.prepare(other);
    // Made by hand, so without berth's labels: what `external: true` in a stack file refers to.
    await docker.createNetwork({ Name: `${stack.name}_external`, Labels: stack.label });
    await docker.createVolume({ Name: `${stack.name}_extdata`, Labels: stack.label });

    const networks = [`${neighbour.name}_default`, `${stack.name}_default`, `${stack.name}_external`].sort();
    expect(await networkNames()).toEqual(networks);
    expect(await volumeNames()).toEqual([`${stack.name}_data`, `${stack.name}_extdata`]);

    // While the task's container runs, its network and volume are in use: kept and reported.
    const handle = await driver.start(task);
    const busy = await driver.cleanupStack(stack.name, { removeVolumes: true });
    expect(busy).toEqual({
      removed: [],
      kept: [`network ${stack.name}_default: still used by 1 container`, `volume ${stack.name}_data: still in use`],
    });
    expect(await networkNames()).toEqual(networks);

    await driver.stop(handle, { signal: 'SIGKILL', graceMs: 0 });
    await driver.remove(handle);

    const first = await driver.cleanupStack(stack.name, { removeVolumes: false });
    expect(first).toEqual({ removed: [`network ${stack.name}_default`], kept: [] });
    expect(await networkNames()).toEqual([`${neighbour.name}_default`, `${stack.name}_external`].sort());
    expect(await volumeNames()).toEqual([`${stack.name}_data`, `${stack.name}_extdata`]);

    const second = await driver.cleanupStack(stack.name, { removeVolumes: true });
    expect(second).toEqual({ removed: [`volume ${stack.name}_data`], kept: [] });
    expect(await volumeNames()).toEqual([`${stack.name}_extdata`]);
    expect(await networkNames()).toEqual([`${neighbour.name}_default`, `${stack.name}_external`].sort());

    // Nothing left of the stack: a repeated cleanup (another agent on this engine) has nothing to do.
    expect(await driver.cleanupStack(stack.name, { removeVolumes: true })).toEqual({ removed: [], kept: [] });
  });

  it('end to end: after `down -v` nothing labelled with the stack is left on the node', async () => {
    const whole = new TestStack(runId, 'e2e');
    const volumes = { data: whole.volume('data') };
    const task = whole.task('app', { command: ['sleep', '300'], stopGracePeriodMs: 0, volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false }] });
    const spec: StackSpec = {
      name: whole.name,
      services: { app: task.spec },
      networks: { default: whole.network('default') },
      volumes,
      secrets: {},
      configs: {},
    };
    const dir = await mkdtemp(join(tmpdir(), 'berth-stack-cleanup-'));
    const agentLog: string[] = [];
    const scheduler = await Scheduler.start({ controlSocket: join(dir, 'control.sock'), heartbeatPeriodMs: 200 });
    let agent: Agent | undefined;
    const client = connectControl(`unix://${join(dir, 'control.sock')}`, { callTimeoutMs: 30_000 });
    try {
      agent = await Agent.start({
        dataDir: join(dir, 'agent'),
        scheduler: scheduler.agentAddress,
        token: scheduler.authority.joinToken(),
        address: '127.0.0.1',
        drivers: ['docker'],
        log: (line) => agentLog.push(line),
      });
      const ofStack = { label: [`io.berth.stack=${whole.name}`] };
      const left = async (): Promise<string[]> => [
        ...(await docker.listContainers({ all: true, filters: ofStack })).map((c) => `container ${c.Names[0] ?? c.Id}`),
        ...(await docker.listNetworks({ filters: ofStack })).map((n) => `network ${n.Name}`),
        ...((await docker.listVolumes({ filters: ofStack })).Volumes ?? []).map((v) => `volume ${v.Name}`),
      ];

      await eventually(async () => scheduler.store.nodes().some((n) => n.state === 'ready'), 'the agent to register');
      await client.deploy(spec);
      await eventually(async () => (await client.listTasks({ stack: whole.name })).some((t) => t.state === 'running'), 'the task to run');
      expect((await left()).map((l) => l.split(' ')[0])).toEqual(['container', 'network', 'volume']);

      expect(await client.remove(whole.name, { removeVolumes: true })).toEqual({ removedServices: ['app'] });
      await eventually(async () => (await left()).length === 0, `nothing of ${whole.name} left (still: ${(await left()).join(', ')})`);
      await eventually(async () => agentLog.some((l) => l.startsWith(`stack ${whole.name} cleaned up`)), 'the agent to log the cleanup');
      expect(agentLog.find((l) => l.startsWith(`stack ${whole.name} cleaned up`))).toBe(
        `stack ${whole.name} cleaned up: removed network ${whole.name}_default, volume ${whole.name}_data`,
      );
    } finally {
      client.close();
      await agent?.close();
      await scheduler.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});
