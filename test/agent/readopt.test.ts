// Acceptance: `kill -9` of the agent never disturbs its workloads. A new agent on the same data
// dir re-adopts them: the same containers (ids) or processes (pid + start time) keep running,
// nothing is restarted or duplicated, and the scheduler's complete set, pushed again after the
// re-registration, claims them as they are.
import { afterAll, describe, expect, it } from 'vitest';
import type { StackSpec, TaskStatus } from '@berth/api';
import {
  AgentHarness,
  isProcessAlive,
  parseProcessRuntimeId,
  sleep,
  type Assignment,
} from '../support/agent-harness.js';
import { describeDocker } from '../support/docker.js';
import { TEST_IMAGE } from '../support/images.js';

/**
 * A one-task stack whose task becoming `running` proves the agent applied the set it came in:
 * sets apply in order, and everything else in the set was planned before it started.
 */
const MARKER = (driver: 'docker' | 'process'): string => `
services:
  marker:
${driver === 'docker' ? `    image: ${TEST_IMAGE}\n    pull_policy: never\n` : '    x-berth: {driver: process}\n'}    command: ["sleep", "300"]
`;

interface Scenario {
  h: AgentHarness;
  stack: StackSpec;
  tasks: Assignment[];
  /** Latest statuses before the kill. */
  before: Map<string, TaskStatus>;
  /** Mark right before the second agent's registration. */
  registeredAt: number;
  /** The marker task's id, pushed (with the same tasks) to the second agent. */
  markerId: string;
}

/** Runs the tasks on a first agent, kill -9s it, starts a second one, pushes the set again. */
async function killAndReadopt(
  h: AgentHarness,
  yaml: string,
  driver: 'docker' | 'process',
  beforeKill: (stack: StackSpec) => Promise<void> = () => Promise.resolve(),
): Promise<Scenario> {
  await h.startAgent();
  const stack = h.loadStack(yaml);
  const tasks = h.assignmentsFor(stack);
  const since = h.push(tasks);
  const before = await h.waitForAll(tasks.map((t) => t.taskId), (s) => s.state === 'running', 'running', {
    since,
    timeoutMs: 45_000,
  });
  await beforeKill(stack);
  const exit = await h.killAgent();
  expect(exit.signal).toBe('SIGKILL');

  const { registeredAt } = await h.startAgent();
  // The registration already lists every task as re-adopted.
  const registration = h.registrationAt(registeredAt);
  expect(registration.tasks.map((t) => t.taskId).sort()).toEqual(tasks.map((t) => t.taskId).sort());
  const marker = h.loadStack(MARKER(driver));
  const markerTasks = h.assignmentsFor(marker);
  const markerId = markerTasks[0]?.taskId ?? '';
  const again = h.push([...tasks, ...markerTasks]);
  await h.waitForStatus(markerId, (s) => s.state === 'running', 'the marker running', { since: again, timeoutMs: 20_000 });
  // Give a wrongly planned replacement or restart time to show up in the statuses too.
  await sleep(500);
  return { h, stack, tasks, before, registeredAt, markerId };
}

/** The statuses the second agent reported for the re-adopted tasks (registration included). */
function afterStatuses(s: Scenario): TaskStatus[] {
  return s.tasks.flatMap((t) => s.h.history(t.taskId, s.registeredAt));
}

function expectUndisturbed(s: Scenario): void {
  const statuses = afterStatuses(s);
  expect(statuses.length).toBeGreaterThanOrEqual(s.tasks.length);
  expect(statuses.filter((st) => st.restarts !== 0)).toEqual([]);
  expect(statuses.filter((st) => st.state !== 'running')).toEqual([]);
  const latest = s.h.latest(s.registeredAt);
  for (const t of s.tasks) {
    expect(latest.get(t.taskId)?.runtimeId, t.taskId).toBe(s.before.get(t.taskId)?.runtimeId);
  }
}

await describeDocker('agent e2e: kill -9 and re-adoption (docker)', ({ docker }) => {
  let harness: AgentHarness | undefined;
  afterAll(async () => {
    await harness?.cleanup();
  });

  it('keeps 20 containers running with the same ids, no restarts and no duplicates', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.31', drivers: ['docker'], docker });
    const h = harness;
    const yaml = `
services:
  worker:
    image: ${TEST_IMAGE}
    pull_policy: never
    command: ["sleep", "300"]
    restart: always
    deploy:
      replicas: 20
`;
    let psBefore: string[] = [];
    const s = await killAndReadopt(h, yaml, 'docker', async (stack) => {
      psBefore = (await h.containers(stack)).map((c) => c.Id).sort();
    });
    // docker ps by label before the kill: 20 containers, the ones the statuses name.
    expect(psBefore).toHaveLength(20);
    expect([...s.before.values()].map((st) => st.runtimeId).sort()).toEqual(psBefore);

    expectUndisturbed(s);
    const ps = await h.containers(s.stack);
    // Exactly 20 with the stack label (stopped ones included), the same ids, all still running.
    expect(ps).toHaveLength(20);
    expect(ps.map((c) => c.Id).sort()).toEqual(psBefore);
    expect(ps.every((c) => c.State === 'running')).toBe(true);
    for (const c of ps) {
      const info = await docker.getContainer(c.Id).inspect();
      // Started once: never restarted by the engine or by either agent.
      expect(info.RestartCount).toBe(0);
      expect(Date.parse(info.State.StartedAt)).toBeLessThanOrEqual(s.before.get(c.Labels['io.berth.task'] ?? '')?.stateTimes.running ?? 0);
    }

    // A graceful stop of the agent leaves them running too.
    const exit = await h.agent.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    const after = await h.containers(s.stack);
    expect(after.filter((c) => c.State === 'running').map((c) => c.Id).sort()).toEqual(psBefore);
  }, 120_000);
});

describe('agent e2e: kill -9 and re-adoption (process driver)', () => {
  let harness: AgentHarness | undefined;
  afterAll(async () => {
    await harness?.cleanup();
  });

  it('keeps 5 process tasks running with the same pids and no restarts', async () => {
    harness = await AgentHarness.create({ address: '127.0.0.32', drivers: ['process'] });
    const h = harness;
    const yaml = `
services:
  proc:
    command: ["sleep", "300"]
    restart: always
    x-berth:
      driver: process
    deploy:
      replicas: 5
`;
    const s = await killAndReadopt(h, yaml, 'process');
    const pids = [...s.before.values()].map((st) => parseProcessRuntimeId(st.runtimeId));
    expect(pids.every((p) => p !== undefined)).toBe(true);
    expect(new Set(pids.map((p) => p?.pid)).size).toBe(5);

    expectUndisturbed(s);
    // The very same processes (pid and start time) are alive, and the records name them.
    for (const p of pids) if (p) expect(isProcessAlive(p), `pid ${p.pid}`).toBe(true);
    const records = await h.processRecords();
    for (const t of s.tasks) {
      expect(records.get(t.taskId)).toEqual(parseProcessRuntimeId(s.before.get(t.taskId)?.runtimeId));
    }
    // No second process per task: only the 5 tasks and the marker have records.
    expect([...records.keys()].sort()).toEqual([...s.tasks.map((t) => t.taskId), s.markerId].sort());

    const exit = await h.agent.stop();
    expect(exit).toEqual({ code: 0, signal: null });
    for (const p of pids) if (p) expect(isProcessAlive(p), `pid ${p.pid} after a graceful agent stop`).toBe(true);
  }, 60_000);
});
