// End to end on Docker: `kill -9` of a `berth daemon` (scheduler and agent in one process) with a
// stack running, then a new daemon on the same data dir. The containers must never stop: same
// ids, same State.StartedAt, no die/stop/kill/start event for the stack in the whole window, and
// `ps` shows the same tasks running and healthy with zero restarts. Only the daemon's pid and
// objects labelled io.berth.stack=<unique name> are ever touched.
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { isProcessAlive, procStartTime, STACK_LABEL } from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';
import { BerthDaemonDir, docker, stackContainers, uniqueStackName, until, type PsTask } from '../support/berth-e2e.js';

const summary = (tasks: PsTask[]): string =>
  tasks.map((t) => `  ${t.service}-${t.slot} ${t.id} ${t.state} health=${t.health} restarts=${t.restarts} ${t.message}`).join('\n');

/** Two services, three tasks: an HTTP server with a health check and an ephemeral published port (2 replicas), a sleeper. */
function stackFile(): string {
  return [
    'services:',
    '  web:',
    `    image: ${TEST_IMAGE}`,
    '    command: ["sh", "-c", "mkdir -p /www && echo ok > /www/index.html && exec httpd -f -p 8080 -h /www"]',
    '    init: true',
    '    restart: unless-stopped',
    '    deploy:',
    '      replicas: 2',
    '    ports:',
    '      - "127.0.0.1::8080"',
    '    healthcheck:',
    '      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/"]',
    '      interval: 1s',
    '      timeout: 1s',
    '      retries: 3',
    '  sleeper:',
    `    image: ${TEST_IMAGE}`,
    '    command: ["sleep", "3600"]',
    '    init: true',
    '    restart: unless-stopped',
    '',
  ].join('\n');
}

/** A time in ms as `docker events --since/--until` takes it: seconds.nanoseconds (9 digits). */
const dockerTime = (ms: number): string => `${Math.floor(ms / 1000)}.${String(ms % 1000).padStart(3, '0')}000000`;

/** Lifecycle actions (create, start, die, kill, stop…) of `stack`'s containers between `since` and `until` (ms). */
async function lifecycleEvents(stack: string, since: number, until: number): Promise<string[]> {
  const out = await docker([
    'events',
    '--since',
    dockerTime(since),
    '--until',
    dockerTime(until),
    '--filter',
    'type=container',
    '--filter',
    `label=${STACK_LABEL}=${stack}`,
    '--format',
    '{{.Action}}',
  ]);
  return out
    .split('\n')
    .map((a) => a.trim())
    .filter((a) => /^(create|start|restart|die|kill|stop|destroy|pause|oom)$/.test(a));
}

await describeDocker('berth daemon kill -9 and restart on the same data dir (Docker)', () => {
  const stack = uniqueStackName('e2erestart');
  let dir: BerthDaemonDir;
  let file = '';

  beforeAll(async () => {
    dir = await BerthDaemonDir.create('berth-e2e-restart-');
    file = path.join(dir.root, 'compose.yaml');
    await writeFile(file, stackFile());
    await dir.startDaemon();
  }, 60_000);

  afterAll(async () => {
    await dir?.cleanup([stack]);
  }, 60_000);

  it('containers keep running across a SIGKILLed daemon; the new daemon re-adopts them with zero restarts', async () => {
    const beforeUp = Date.now();
    const up = await dir.berth(['up', '-d', '--wait', '--timeout', '60', '-p', stack, '-f', file]);
    expect(up.stderr, dir.tail()).toBe('');
    expect(up.status).toBe(0);
    const tasks = await dir.ps(stack);
    expect(tasks.map((t) => [t.service, t.slot, t.state, t.health, t.restarts])).toEqual([
      ['sleeper', 1, 'running', 'none', 0],
      ['web', 1, 'running', 'healthy', 0],
      ['web', 2, 'running', 'healthy', 0],
    ]);
    const before = await stackContainers(stack);
    expect(before.map((c) => c.running)).toEqual([true, true, true]);
    // The event query sees this stack's containers: their creation is in it.
    const upEvents = await lifecycleEvents(stack, beforeUp, Date.now());
    expect(upEvents.filter((a) => a === 'start')).toHaveLength(3);
    const since = Date.now();

    // kill -9 of the daemon, by its pid.
    const first = dir.daemon;
    const firstStart = procStartTime(first.pid);
    if (firstStart === undefined) throw new Error(`daemon pid ${first.pid} is not running`);
    const exit = await first.kill9();
    expect(exit.signal).toBe('SIGKILL');
    expect(isProcessAlive({ pid: first.pid, startTime: firstStart })).toBe(false);
    // With no daemon at all, the containers run on.
    expect(await stackContainers(stack)).toEqual(before);
    const noDaemon = await dir.berth(['ps', '-p', stack]);
    expect(noDaemon.status).toBe(3);

    // A new daemon on the same data dir (its pid file and socket are the dead one's leftovers).
    await dir.startDaemon();
    expect(dir.daemon.pid).not.toBe(first.pid);
    let last: PsTask[] = [];
    const after = await until(
      async () => {
        last = await dir.ps(stack);
        const ready = last.length === 3 && last.every((t) => t.state === 'running' && (t.service !== 'web' || t.health === 'healthy'));
        return ready ? last : undefined;
      },
      'the re-adopted tasks to be running and healthy',
      30_000,
      () => `ps:\n${summary(last)}\n${dir.tail()}`,
    );
    expect(after.map((t) => [t.id, t.state, t.restarts])).toEqual(tasks.map((t) => [t.id, 'running', 0]));
    expect(dir.daemon.output).toMatch(/agent: recovered: 3 adopted, 0 restarted/);

    // Let the new daemon run its health checks and reconcile for a few seconds, then look again:
    // still the very same containers, and the engine saw no container of the stack stop or start.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await stackContainers(stack)).toEqual(before);
    const lifecycle = await lifecycleEvents(stack, since, Date.now());
    expect(lifecycle).toEqual([]);
    const final = await dir.ps(stack);
    expect(final.map((t) => [t.id, t.state, t.restarts])).toEqual(tasks.map((t) => [t.id, 'running', 0]));

    const down = await dir.berth(['down', '-v', '-p', stack]);
    expect(down.status, down.stderr).toBe(0);
    expect(await stackContainers(stack)).toEqual([]);
  }, 180_000);
});
