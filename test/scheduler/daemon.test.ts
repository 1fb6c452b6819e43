// End to end through the real binary: `berth daemon` (scheduler + local agent in one process)
// deploys the hello example, survives `kill -9` with every task, process and pid as it was,
// and removes it all again. Only the processes this test started are ever signalled.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../support/berth-e2e.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic, loadStack } from '@berth/stack';
import { connectControl, type ControlConnection, type TaskView } from '@berth/scheduler';
import { AgentProcess, isProcessAlive, sleep, waitFor } from '../support/agent-harness.js';
import { REPO_ROOT } from '../support/shared.js';

/** A process-driver task's pid and start time, from the agent's record. */
interface ProcessIdentity {
  pid: number;
  startTime: number;
}

const HEARTBEAT = '200ms';
// 3 missed heartbeats of 200 ms: how long a restarted daemon waits for its node.
const GRACE_MS = 600;

async function httpGet(port: number): Promise<string> {
  const res = await fetch(`http://127.0.0.1:${port}/`, { signal: AbortSignal.timeout(2_000) });
  return res.text();
}

describe('berth daemon', () => {
  const started: AgentProcess[] = [];
  const taskProcesses = new Map<string, ProcessIdentity>();
  let dataDir = '';
  let client: ControlConnection | undefined;

  afterAll(async () => {
    client?.close();
    for (const daemon of started) await daemon.stop();
    // Task processes this test's daemon started and left (a failed test): by pid, if still theirs.
    for (const p of taskProcesses.values()) {
      if (!isProcessAlive(p)) continue;
      try {
        process.kill(-p.pid, 'SIGKILL');
      } catch {
        // Gone in between.
      }
    }
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  });

  const startDaemon = async (): Promise<AgentProcess> => {
    const env: NodeJS.ProcessEnv = {
      PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
      HOME: dataDir,
      NO_COLOR: '1',
    };
    const daemon = new AgentProcess(['daemon', '--data-dir', dataDir, '--heartbeat-period', HEARTBEAT], env);
    started.push(daemon);
    await waitFor(
      () => {
        if (!daemon.running) throw new Error(`berth daemon exited:\n${daemon.tail()}`);
        return /scheduler: node \S+ registered/.test(daemon.output);
      },
      'the daemon to be up and its agent registered',
      20_000,
      () => daemon.tail(),
    );
    return daemon;
  };

  const processOf = (taskId: string): ProcessIdentity => {
    const record = JSON.parse(readFileSync(path.join(dataDir, 'agent', 'tasks', taskId, 'process.json'), 'utf8')) as ProcessIdentity;
    const identity = { pid: record.pid, startTime: record.startTime };
    taskProcesses.set(taskId, identity);
    return identity;
  };

  const byService = (tasks: TaskView[], service: string): TaskView => {
    const matching = tasks.filter((t) => t.service === service);
    expect(matching).toHaveLength(1);
    return matching[0]!;
  };

  it('deploys hello, keeps it as it was across kill -9, and removes it', async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'berth-daemon-'));
    const port = await freePort();
    const loaded = loadStack({
      files: [path.join(REPO_ROOT, 'examples/hello/stack.yaml')],
      env: { HELLO_PORT: String(port), CRASH_EVERY: '1000000000' },
      cwd: REPO_ROOT,
      home: dataDir,
    });
    if (loaded.stack === undefined) throw new Error(loaded.errors.map((d) => formatDiagnostic(d)).join('\n'));
    const stack = loaded.stack;

    let daemon = await startDaemon();
    client = connectControl(`unix://${path.join(dataDir, 'control.sock')}`, { callTimeoutMs: 10_000 });
    const deployed = await client.deploy(stack);
    expect(deployed.changes.map((c) => [c.service, c.kind])).toEqual([
      ['web', 'created'],
      ['worker', 'created'],
    ]);

    const ready = (tasks: TaskView[]): boolean =>
      tasks.length === 2 &&
      tasks.every((t) => t.desired === 'run' && t.state === 'running') &&
      byService(tasks, 'web').health === 'healthy';
    let tasks: TaskView[] = [];
    await waitFor(
      async () => ready((tasks = await client!.listTasks({ stack: 'hello' }))),
      'web running and healthy, worker running',
      30_000,
      () => `${JSON.stringify(tasks, null, 1)}\n${daemon.tail()}`,
    );
    const ids = tasks.map((t) => t.id).sort();
    const web = processOf(byService(tasks, 'web').id);
    const worker = processOf(byService(tasks, 'worker').id);
    expect(await httpGet(port)).toMatch(/^hello from berth \(request \d+\)/);

    // kill -9: the scheduler and the agent die at once; the workloads do not.
    await daemon.kill9();
    expect(isProcessAlive(web) && isProcessAlive(worker)).toBe(true);
    expect(await httpGet(port)).toMatch(/^hello from berth/);

    daemon = await startDaemon();
    // Past the grace a restarted scheduler gives its nodes: nothing was marked down meanwhile.
    await sleep(GRACE_MS * 3);
    const after = await client.listTasks({ stack: 'hello' });
    expect(after.map((t) => t.id).sort()).toEqual(ids);
    expect(after.map((t) => [t.service, t.desired, t.state, t.restarts])).toEqual([
      ['web', 'run', 'running', 0],
      ['worker', 'run', 'running', 0],
    ]);
    expect(byService(after, 'web').health).toBe('healthy');
    expect(processOf(byService(after, 'web').id)).toEqual(web);
    expect(processOf(byService(after, 'worker').id)).toEqual(worker);
    expect(isProcessAlive(web) && isProcessAlive(worker)).toBe(true);
    expect(await httpGet(port)).toMatch(/^hello from berth/);
    expect(daemon.output).not.toMatch(/nodes down/);
    expect((await client.listNodes()).map((n) => n.state)).toEqual(['ready']);

    const removed = await client.remove('hello');
    expect(removed.removedServices).toEqual(['web', 'worker']);
    await waitFor(async () => !isProcessAlive(web) && !isProcessAlive(worker), 'the task processes to end', 15_000);
    // Listed across all stacks: a stack with neither a record nor tasks is NOT_FOUND by name.
    await waitFor(
      async () => (tasks = (await client!.listTasks()).filter((t) => t.stack === 'hello')).length === 0,
      'the task records to go',
      30_000,
      () => JSON.stringify(tasks, null, 1),
    );
    expect(await client.listStacks()).toEqual([]);
  }, 120_000);
});
