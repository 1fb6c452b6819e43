// Acceptance: the agent's own health checks (docker exec) act on containers. A check that starts
// failing gets the container killed and restarted, healthy again after; one that never passes is
// `unhealthy` after start_period + retries and restarted; with `x-berth: {unhealthy: flag}` it is
// only reported, the container keeps running untouched.
import { afterEach, expect, it } from 'vitest';
import type { TaskStatus } from '@berth/api';
import { AgentHarness, sleep } from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';

// PID 1 ignores signals it has no handler for: every command traps TERM so a stop is quick.
// Restarting services wait a fixed 500 ms before each restart: an immediate restart (the first
// step of the backoff curve) would replace the `failed` status within one 25 ms status batch,
// and the scheduler (this test) would never see the run end with "killed: unhealthy".
const SERVE_THEN_BREAK = `
services:
  web:
    image: ${TEST_IMAGE}
    pull_policy: never
    # Serves /www/index.html and deletes it 2 s after (re)start: the check passes, then fails.
    command:
      - sh
      - -c
      - >-
        trap 'exit 0' TERM;
        mkdir -p /www && echo ok > /www/index.html;
        (sleep 2; rm -f /www/index.html) &
        httpd -f -p 8080 -h /www &
        wait
    deploy:
      restart_policy: {condition: any, delay: 500ms}
    stop_grace_period: 2s
    healthcheck:
      test: ["CMD", "wget", "-q", "-O", "/dev/null", "http://127.0.0.1:8080/index.html"]
      interval: 250ms
      timeout: 2s
      retries: 2
      start_period: 1s
      start_interval: 100ms
`;

const NEVER_HEALTHY = (unhealthy: 'restart' | 'flag'): string => `
services:
  sick:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sh", "-c", "trap 'exit 0' TERM; while true; do sleep 0.1; done"]
    deploy:
      restart_policy: {condition: any, delay: 500ms}
    stop_grace_period: 2s
    healthcheck:
      test: ["CMD-SHELL", "exit 1"]
      interval: 200ms
      timeout: 2s
      retries: 2
      start_period: 1s
      start_interval: 200ms
    x-berth:
      unhealthy: ${unhealthy}
`;

/** Position of the first status matching `predicate` in `history`, -1 if none. */
function firstIndex(history: TaskStatus[], predicate: (s: TaskStatus) => boolean): number {
  return history.findIndex(predicate);
}

await describeDocker('agent e2e: health checks', ({ docker }) => {
  let harness: AgentHarness | undefined;
  afterEach(async () => {
    await harness?.cleanup();
    harness = undefined;
  });

  async function start(yaml: string, address: string): Promise<{ h: AgentHarness; taskId: string; since: number }> {
    harness = await AgentHarness.create({ address, drivers: ['docker'], docker });
    await harness.startAgent();
    const stack = harness.loadStack(yaml);
    const assignments = harness.assignmentsFor(stack);
    const taskId = assignments[0]?.taskId;
    if (taskId === undefined) throw new Error('no assignment');
    return { h: harness, taskId, since: harness.push(assignments) };
  }

  it('restarts a container whose check starts failing, and it is healthy again after', async () => {
    const { h, taskId, since } = await start(SERVE_THEN_BREAK, '127.0.0.21');
    const healthy = await h.waitForStatus(taskId, (s) => s.health === 'healthy' && s.restarts === 0, 'healthy', { since });
    expect(healthy.state).toBe('running');
    const killed = await h.waitForStatus(taskId, (s) => s.restarts === 0 && s.health === 'unhealthy', 'unhealthy', {
      since,
      timeoutMs: 15_000,
    });
    // Healthy first, for about the 2 s the file was there.
    expect(killed.message).toMatch(/health check failed 2 times|killed: unhealthy/);
    const back = await h.waitForStatus(taskId, (s) => s.restarts >= 1 && s.health === 'healthy' && s.state === 'running', 'healthy after restart', {
      since,
      timeoutMs: 15_000,
    });
    const history = h.history(taskId, since);
    const iHealthy = firstIndex(history, (s) => s.health === 'healthy');
    const iUnhealthy = firstIndex(history, (s) => s.health === 'unhealthy');
    const iBack = history.indexOf(back);
    expect(iHealthy).toBeGreaterThanOrEqual(0);
    expect(iHealthy).toBeLessThan(iUnhealthy);
    expect(iUnhealthy).toBeLessThan(iBack);
    // The run ended because the agent killed it for its health, and it was restarted in place.
    const ended = history.find((s) => s.state === 'failed');
    expect(ended?.message).toMatch(/^killed: unhealthy \(code 0\); restarting in 500 ms/);
    expect(ended?.restarts).toBe(0);
    expect(back.runtimeId).toBe(healthy.runtimeId);
    const info = await docker.getContainer(back.runtimeId ?? '').inspect();
    expect(info.State.Running).toBe(true);
    expect(info.RestartCount).toBe(0); // the engine did not restart it: berth did
  }, 40_000);

  it('marks a container that never passes unhealthy after start_period + retries, then restarts it', async () => {
    const { h, taskId, since } = await start(NEVER_HEALTHY('restart'), '127.0.0.22');
    const unhealthy = await h.waitForStatus(taskId, (s) => s.health === 'unhealthy', 'unhealthy', { since, timeoutMs: 15_000 });
    expect(unhealthy.restarts).toBe(0);
    expect(unhealthy.message).toMatch(/health check failed 2 times: exit 1|killed: unhealthy/);
    const ended = await h.waitForStatus(taskId, (s) => s.state === 'failed' && s.restarts === 0, 'killed for its health', { since });
    expect(ended.message).toMatch(/^killed: unhealthy \(code 0\); restarting in 500 ms/);
    // Failures inside the 1 s start period do not count: the earliest counted probe begins at
    // start + 1 s and the second one interval (200 ms) after it ended.
    const ran = (ended.stateTimes.failed ?? 0) - (ended.stateTimes.running ?? Infinity);
    expect(ran).toBeGreaterThanOrEqual(1_200);
    expect(ran).toBeLessThan(1_200 + 5_000);
    const restarted = await h.waitForStatus(taskId, (s) => s.restarts >= 1 && s.state === 'running', 'restarted', { since });
    // A new run starts its health over.
    expect(restarted.health).toBe('starting');
  }, 40_000);

  it('with x-berth unhealthy: flag only reports the container unhealthy and leaves it running', async () => {
    const { h, taskId, since } = await start(NEVER_HEALTHY('flag'), '127.0.0.23');
    const unhealthy = await h.waitForStatus(taskId, (s) => s.health === 'unhealthy', 'unhealthy', { since, timeoutMs: 15_000 });
    expect(unhealthy.state).toBe('running');
    expect(unhealthy.message).toMatch(/^health check failed \d+ times: exit 1/);
    const before = await docker.getContainer(unhealthy.runtimeId ?? '').inspect();
    // Several more probe intervals: a restart policy acting on it would have struck by now.
    await sleep(1_500);
    const after = await docker.getContainer(unhealthy.runtimeId ?? '').inspect();
    expect(after.State.Running).toBe(true);
    expect(after.State.StartedAt).toBe(before.State.StartedAt);
    const history = h.history(taskId, since);
    expect(history.every((s) => s.restarts === 0)).toBe(true);
    expect(history.some((s) => s.state === 'failed' || s.state === 'exited')).toBe(false);
    const last = h.latest(since).get(taskId);
    expect(last?.state).toBe('running');
    expect(last?.health).toBe('unhealthy');
  }, 40_000);
});
