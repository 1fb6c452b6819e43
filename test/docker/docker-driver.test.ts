// The docker runtime driver against the real engine, on the local test image only (never pulls).
// Every object made here carries io.berth.test=<runId> and is removed by that label.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterAll, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { DockerDriver, type LogEntry, type LogOptions, type WorkloadHandle } from '@berth/agent';
import { describeDocker, removeByTestLabel, TEST_LABEL } from '../support/docker.js';
import { MISSING_IMAGE } from '../support/images.js';
import { TestStack } from './docker-task-fixture.js';

/** A busybox web server answering `hello` on the container's port 8080. */
const HTTPD = ['sh', '-c', 'mkdir -p /www && echo hello > /www/index.html && exec httpd -f -p 8080 -h /www'];
/** Runs until killed: the shell ignores SIGTERM, as a badly behaved service would. */
const IGNORES_TERM = ['sh', '-c', 'trap "" TERM; while true; do sleep 1; done'];

await describeDocker('docker runtime driver', ({ docker, runId }) => {
  const driver = new DockerDriver({ docker });
  const stack = new TestStack(runId);

  afterAll(async () => {
    await removeByTestLabel(docker, runId);
    expect(await docker.listContainers({ all: true, filters: { label: [`${TEST_LABEL}=${runId}`] } })).toEqual([]);
  });

  async function logText(handle: WorkloadHandle, options: Partial<LogOptions> = {}): Promise<LogEntry[]> {
    const entries: LogEntry[] = [];
    for await (const entry of driver.logs(handle, { follow: false, ...options })) entries.push(entry);
    return entries;
  }

  /** Polls until `check` passes (the engine is asynchronous); fails with its last error. */
  async function eventually<T>(check: () => Promise<T>, timeoutMs = 15_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      try {
        return await check();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await delay(100);
      }
    }
  }

  describe('life cycle', () => {
    it('creates, starts and reports the exit code; the container carries the task labels', async () => {
      const task = stack.task('exits', { command: ['sh', '-c', 'exit 3'] });
      await driver.prepare(task);
      const handle = await driver.start(task);
      expect(handle).toMatchObject({ driver: 'docker', ref: task.ref });
      expect(handle.id).toMatch(/^[0-9a-f]{64}$/);

      const exit = await driver.wait(handle);
      expect(exit).toMatchObject({ exitCode: 3, oomKilled: false });
      expect(exit).not.toHaveProperty('signal');

      const info = await docker.getContainer(handle.id).inspect();
      expect(info.Name).toBe(`/${stack.name}-exits-1-${task.ref.taskId.replace(/[^a-zA-Z0-9]/g, '').slice(-12)}`);
      expect(info.Config.Labels).toMatchObject({
        'io.berth.stack': stack.name,
        'io.berth.service': 'exits',
        'io.berth.task': task.ref.taskId,
        'io.berth.node': stack.nodeId,
        'io.berth.slot': '1',
        [TEST_LABEL]: runId,
      });
      expect(info.HostConfig.RestartPolicy?.Name).toBe('no');
    });

    it('restarts in place: the same container id runs again', async () => {
      const task = stack.task('again', { command: ['sh', '-c', 'echo run; exit 1'] });
      await driver.prepare(task);
      const first = await driver.start(task);
      expect((await driver.wait(first)).exitCode).toBe(1);

      const second = await driver.start(task, first);
      expect(second.id).toBe(first.id);
      expect((await driver.wait(second)).exitCode).toBe(1);
      const runs = (await logText(second)).filter((e) => e.text === 'run');
      expect(runs).toHaveLength(2);
    });

    it('recreates when the previous container is gone', async () => {
      const task = stack.task('gone', { command: ['true'] });
      await driver.prepare(task);
      const first = await driver.start(task);
      await driver.wait(first);
      await driver.remove(first);
      await driver.remove(first); // idempotent
      const second = await driver.start(task, first);
      expect(second.id).not.toBe(first.id);
      expect((await driver.wait(second)).exitCode).toBe(0);
    });

    it('stops a service that ignores SIGTERM only after the full grace, by killing it', async () => {
      const task = stack.task('stubborn', { command: IGNORES_TERM, stopGracePeriodMs: 2_000 });
      await driver.prepare(task);
      const handle = await driver.start(task);
      const started = Date.now();
      await driver.stop(handle, { signal: 'SIGTERM', graceMs: 2_000 });
      // A lower bound only, with margin for clock granularity; never a speed limit.
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_500);
      expect(await driver.wait(handle)).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });
      await driver.stop(handle, { signal: 'SIGTERM', graceMs: 2_000 }); // already stopped: fine
    });

    it('honours a grace under a second (a fence) itself: signal, the grace, then SIGKILL', async () => {
      const stubborn = stack.task('stubborn-fast', { command: IGNORES_TERM });
      await driver.prepare(stubborn);
      const handle = await driver.start(stubborn);
      await eventually(async () => expect((await docker.getContainer(handle.id).inspect()).State.Running).toBe(true));
      const started = Date.now();
      await driver.stop(handle, { signal: 'SIGTERM', graceMs: 300 });
      // A lower bound only: the grace was waited, never a speed limit.
      expect(Date.now() - started).toBeGreaterThanOrEqual(250);
      expect(await driver.wait(handle)).toMatchObject({ exitCode: 137, signal: 'SIGKILL' });

      const polite = stack.task('polite-fast', { command: ['sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done'] });
      await driver.prepare(polite);
      const second = await driver.start(polite);
      await eventually(async () => expect((await docker.getContainer(second.id).inspect()).State.Running).toBe(true));
      await driver.stop(second, { signal: 'USR1', graceMs: 400 });
      expect((await driver.wait(second)).exitCode).toBe(7);
    });

    it("sends the service's stop signal when it differs from the container's", async () => {
      const task = stack.task('usr1', { command: ['sh', '-c', 'trap "exit 7" USR1; while true; do sleep 0.1; done'] });
      await driver.prepare(task);
      const handle = await driver.start(task);
      await eventually(async () => expect((await docker.getContainer(handle.id).inspect()).State.Running).toBe(true));
      await driver.stop(handle, { signal: 'USR1', graceMs: 10_000 });
      expect((await driver.wait(handle)).exitCode).toBe(7);
    });
  });

  describe('networking', () => {
    it('publishes a port on 127.0.0.1 that answers HTTP from here', async () => {
      const task = stack.task('web', {
        command: HTTPD,
        ports: [{ target: 8080, hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }],
      });
      await driver.prepare(task);
      const handle = await driver.start(task);
      const info = await docker.getContainer(handle.id).inspect();
      const binding = info.NetworkSettings.Ports['8080/tcp']?.[0];
      expect(binding?.HostIp).toBe('127.0.0.1');
      const body = await eventually(async () => {
        const response = await fetch(`http://127.0.0.1:${binding?.HostPort}/`);
        return response.text();
      });
      expect(body).toBe('hello\n');
      await driver.stop(handle, { signal: 'SIGTERM', graceMs: 0 });
    });

    it('lets a service reach another by service name and alias, across a second network', async () => {
      const networks = { default: stack.network('default'), back: stack.network('back') };
      const api = stack.task('api', { command: HTTPD, networks: { default: { aliases: [] }, back: { aliases: ['backend'] } } }, { networks });
      const fetchBoth = 'for i in $(seq 1 100); do wget -q -O - http://api:8080/ && wget -q -O - http://backend:8080/ && exit 0; sleep 0.1; done; exit 1';
      const client = stack.task('client', { command: ['sh', '-c', fetchBoth], networks: { back: { aliases: [] } } }, { networks });
      await driver.prepare(api);
      await driver.prepare(client);
      const apiHandle = await driver.start(api);
      const clientHandle = await driver.start(client);
      expect((await driver.wait(clientHandle)).exitCode).toBe(0);
      expect((await logText(clientHandle)).map((e) => e.text)).toEqual(['hello', 'hello']);
      const attached = Object.keys((await docker.getContainer(apiHandle.id).inspect()).NetworkSettings.Networks).sort();
      expect(attached).toEqual([`${stack.name}_back`, `${stack.name}_default`]);
      await driver.stop(apiHandle, { signal: 'SIGTERM', graceMs: 0 });
    });

    it('fails with a clear message when the host port is taken', async () => {
      const server: Server = createServer();
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      const address = server.address();
      const port = typeof address === 'object' && address !== null ? address.port : 0;
      try {
        const task = stack.task('clash', {
          command: HTTPD,
          ports: [{ target: 8080, published: port, hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }],
        });
        await driver.prepare(task);
        await expect(driver.start(task)).rejects.toMatchObject({
          code: 'CONFLICT',
          message: `port 127.0.0.1:${port} is already taken on this node`,
        });
        // The half-made container is not left behind.
        const left = await docker.listContainers({ all: true, filters: { label: [`io.berth.task=${task.ref.taskId}`] } });
        expect(left).toEqual([]);
      } finally {
        await new Promise((resolve) => server.close(resolve));
      }
    });
  });

  describe('stack resources', () => {
    it('creates the stack network and a named volume with labels, which the data outlives a container in', async () => {
      const own = new TestStack(runId, 'vol');
      const volumes = { data: own.volume('data') };
      const write = own.task('writer', { command: ['sh', '-c', 'echo kept > /data/f'], volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false }] }, { volumes });
      const read = own.task('reader', { command: ['cat', '/data/f'], volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: true, noCopy: false }] }, { volumes });
      await Promise.all([driver.prepare(write), driver.prepare(read)]); // concurrent: one network, one volume
      const byStack = { label: [`${TEST_LABEL}=${runId}`, `io.berth.stack=${own.name}`] };

      const networks = await docker.listNetworks({ filters: byStack });
      expect(networks.map((n) => [n.Name, n.Labels])).toEqual([
        [`${own.name}_default`, { [TEST_LABEL]: runId, 'io.berth.stack': own.name, 'io.berth.network': 'default' }],
      ]);
      const listed = (await docker.listVolumes({ filters: byStack })).Volumes ?? [];
      expect(listed.map((v) => [v.Name, v.Labels])).toEqual([
        [`${own.name}_data`, { [TEST_LABEL]: runId, 'io.berth.stack': own.name, 'io.berth.volume': 'data' }],
      ]);

      const writer = await driver.start(write);
      expect((await driver.wait(writer)).exitCode).toBe(0);
      const reader = await driver.start(read);
      expect((await driver.wait(reader)).exitCode).toBe(0);
      expect((await logText(reader)).map((e) => e.text)).toEqual(['kept']);

      // Preparing again reuses both.
      await driver.prepare(read);
      expect(await docker.listNetworks({ filters: byStack })).toHaveLength(1);

      await driver.remove(writer);
      await driver.remove(reader);
      for (const n of networks) await docker.getNetwork(n.Id).remove();
      for (const v of listed) await docker.getVolume(v.Name).remove();
      expect(await docker.listNetworks({ filters: byStack })).toEqual([]);
      expect((await docker.listVolumes({ filters: byStack })).Volumes ?? []).toEqual([]);
    });
  });

  describe('exec health checks', () => {
    it('reports success, failure with output, and a timeout', async () => {
      const task = stack.task('probed', { command: IGNORES_TERM });
      await driver.prepare(task);
      const handle = await driver.start(task);
      expect(await driver.exec(handle, ['CMD', 'true'], 5_000)).toEqual({ exitCode: 0, output: '', timedOut: false });
      const failed = await driver.exec(handle, ['CMD-SHELL', 'echo bad; echo worse >&2; exit 3'], 5_000);
      expect(failed).toMatchObject({ exitCode: 3, timedOut: false });
      // Both streams are kept; the engine does not order one pipe against the other.
      expect(failed.output.split('\n').sort()).toEqual(['', 'bad', 'worse']);
      expect(await driver.exec(handle, ['CMD', 'sleep', '5'], 300)).toMatchObject({ timedOut: true });
      await expect(driver.exec(handle, ['CMD', 'no-such-binary'], 5_000)).resolves.toMatchObject({ timedOut: false, exitCode: 126 });
      await driver.stop(handle, { signal: 'SIGKILL', graceMs: 0 });
      await expect(driver.exec(handle, ['CMD', 'true'], 5_000)).rejects.toMatchObject({ code: 'CONFLICT' });
    });
  });

  describe('logs', () => {
    it('reads stdout and stderr apart, with timestamps, and the tail', async () => {
      // Order between the two pipes is not kept by the engine; the pause keeps stderr out of the tail.
      const task = stack.task('talks', { command: ['sh', '-c', 'echo oops >&2; sleep 0.5; for i in 1 2 3 4 5; do echo line$i; done'] });
      await driver.prepare(task);
      const handle = await driver.start(task);
      await driver.wait(handle);
      const all = await logText(handle);
      expect(all.filter((e) => e.stream === 'stdout').map((e) => e.text)).toEqual(['line1', 'line2', 'line3', 'line4', 'line5']);
      expect(all.filter((e) => e.stream === 'stderr').map((e) => e.text)).toEqual(['oops']);
      for (const entry of all) expect(entry.time).toBeGreaterThan(Date.now() - 600_000);
      const tail = await logText(handle, { tail: 2 });
      expect(tail.map((e) => [e.stream, e.text])).toEqual([
        ['stdout', 'line4'],
        ['stdout', 'line5'],
      ]);
      expect(await logText(handle, { since: Date.now() + 60_000 })).toEqual([]);
    });

    it('follows new output until the signal aborts', async () => {
      const task = stack.task('ticks', { command: ['sh', '-c', 'i=0; while true; do i=$((i+1)); echo tick$i; sleep 0.1; done'] });
      await driver.prepare(task);
      const handle = await driver.start(task);
      const controller = new AbortController();
      const seen: string[] = [];
      for await (const entry of driver.logs(handle, { follow: true, signal: controller.signal })) {
        seen.push(entry.text);
        if (seen.length === 3) controller.abort();
      }
      expect(seen).toEqual(['tick1', 'tick2', 'tick3']);
      await driver.stop(handle, { signal: 'SIGKILL', graceMs: 0 });
    });
  });

  describe('recover', () => {
    it("finds this node's containers: running ones with the same id, exited ones with their code", async () => {
      const own = new TestStack(runId, 'rec');
      const running = own.task('runner', { command: IGNORES_TERM });
      const done = own.task('done', { command: ['sh', '-c', 'exit 4'] });
      await driver.prepare(running);
      const runningHandle = await driver.start(running);
      const doneHandle = await driver.start(done);
      await driver.wait(doneHandle);

      const found = await new DockerDriver({ docker }).recover(own.nodeId);
      const byId = new Map(found.map((w) => [w.handle.id, w]));
      expect(found).toHaveLength(2);
      expect(byId.get(runningHandle.id)).toMatchObject({ state: 'running', restarts: 0, handle: { driver: 'docker', ref: running.ref } });
      expect(byId.get(doneHandle.id)).toMatchObject({ state: 'exited', exit: { exitCode: 4 }, handle: { ref: done.ref } });
      expect(await driver.recover(`${own.nodeId}-elsewhere`)).toEqual([]);
      await driver.stop(runningHandle, { signal: 'SIGKILL', graceMs: 0 });
    });
  });

  describe('images', () => {
    it.each<['missing' | 'never', RegExp]>([
      ['missing', /^image "127\.0\.0\.1:1\/missing:1" pull failed: .*connection refused/],
      ['never', /^image "127\.0\.0\.1:1\/missing:1" not found and pull_policy is never$/],
    ])('a missing image with pull_policy %s fails with a clear error', async (pullPolicy, message) => {
      const task = stack.task('ghost', { image: MISSING_IMAGE, pullPolicy });
      const failure = await driver.prepare(task).then(
        () => undefined,
        (err: unknown) => err,
      );
      expect(isBerthError(failure, 'NOT_FOUND')).toBe(true);
      expect((failure as Error).message).toMatch(message);
    });

    it('builds an image from a context directory through the engine', async () => {
      const context = mkdtempSync(join(tmpdir(), 'berth-build-'));
      const image = `berth-test/build-${runId}:1`;
      try {
        writeFileSync(join(context, 'Dockerfile'), 'FROM berth-test/busybox:latest\nARG GREETING\nCOPY note.txt /note.txt\nRUN echo "$GREETING" >> /note.txt\n');
        writeFileSync(join(context, 'note.txt'), 'from the context\n');
        const task = stack.task('built', {
          image,
          pullPolicy: 'build',
          build: { context, args: { GREETING: 'built here', UNSET: null }, labels: { ...stack.label } },
          command: ['cat', '/note.txt'],
        });
        await driver.prepare(task);
        const handle = await driver.start(task);
        expect((await driver.wait(handle)).exitCode).toBe(0);
        expect((await logText(handle)).map((e) => e.text)).toEqual(['from the context', 'built here']);
        await driver.remove(handle);
      } finally {
        rmSync(context, { recursive: true, force: true });
        const built = await docker.getImage(image).inspect().catch(() => undefined);
        if (built && built.Config.Labels?.[TEST_LABEL] === runId) await docker.getImage(built.Id).remove({ force: true });
      }
    });

    it('reports a failing build with its error', async () => {
      const context = mkdtempSync(join(tmpdir(), 'berth-build-'));
      try {
        writeFileSync(join(context, 'Dockerfile'), 'FROM berth-test/busybox:latest\nRUN exit 9\n');
        const task = stack.task('broken', { image: `berth-test/broken-${runId}:1`, pullPolicy: 'build', build: { context, args: {}, labels: { ...stack.label } } });
        await expect(driver.prepare(task)).rejects.toThrow(/building image "berth-test\/broken-.*" failed: .*returned a non-zero code: 9/);
      } finally {
        rmSync(context, { recursive: true, force: true });
      }
    });
  });

  describe('engine unreachable', () => {
    const socket = `/tmp/berth-no-engine-${runId}.sock`;
    const offline = new DockerDriver({ env: { DOCKER_HOST: `unix://${socket}` } });

    it('says where the engine was looked for', async () => {
      const task = stack.task('offline');
      await expect(offline.prepare(task)).rejects.toMatchObject({
        code: 'RUNTIME_UNAVAILABLE',
        message: `Docker engine not reachable at ${socket}: the socket does not exist (no engine running?)`,
      });
      await expect(offline.recover('x')).rejects.toMatchObject({ code: 'RUNTIME_UNAVAILABLE' });
    });

    it('detect reports it unavailable instead of throwing', async () => {
      expect(await offline.detect()).toMatchObject({ driver: 'docker', available: false, message: expect.stringContaining(socket) });
      expect(await driver.detect()).toMatchObject({ driver: 'docker', available: true, message: expect.stringMatching(/^\d+\./) });
    });
  });
});
