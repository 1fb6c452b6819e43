import { existsSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server as NetServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { connectControl } from './control/control-client.js';
import { node, stackSpec, svc } from './reconcile/world.fixture.js';
import { Scheduler } from './scheduler.js';

const dirs: string[] = [];
const running: Scheduler[] = [];
afterEach(async () => {
  for (const s of running.splice(0)) await s.close();
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-sched-'));
  dirs.push(dir);
  return dir;
}

async function start(options: Parameters<typeof Scheduler.start>[0]): Promise<Scheduler> {
  const s = await Scheduler.start(options);
  running.push(s);
  return s;
}

/** Polls `check` every 10 ms for at most `ms`. */
async function waitFor(check: () => boolean, what: string, ms = 5_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

const app = stackSpec('app', [svc('web', { deploy: { replicas: 2 } })]);

describe('Scheduler', () => {
  it('serves agents on a free loopback port and the Control API on a private socket in the data dir', async () => {
    const dataDir = tempDir();
    const s = await start({ dataDir });
    expect(s.agentAddress).toMatch(/^127\.0\.0\.1:[1-9]\d*$/);
    const socket = path.join(dataDir, 'control.sock');
    expect(s.controlSocket).toBe(socket);
    expect(statSync(socket).mode & 0o777).toBe(0o600);
    expect(existsSync(path.join(dataDir, 'state.db'))).toBe(true);

    const client = connectControl(`unix://${socket}`, { callTimeoutMs: 5_000 });
    try {
      expect(await client.listStacks()).toEqual([]);
    } finally {
      client.close();
    }
    await s.close();
    await s.close(); // idempotent
    expect(existsSync(socket)).toBe(false);
  });

  it('runs without a data dir on a memory store, with no Control API unless asked', async () => {
    const s = await start({});
    expect(s.controlSocket).toBeUndefined();
    s.store.putNode(node('n1'));
    s.store.putStack({ spec: app, services: { web: { spec: app.services['web']!, hash: 'h', generation: 1 } } });
    await waitFor(() => s.store.tasks().filter((t) => t.nodeId === 'n1').length === 2, 'two placed tasks');
  });

  it('comes back after a restart with the same stacks, tasks and nodes, and gives nodes their grace before marking them down', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    first.store.putNode(node('n1'));
    const client = connectControl(`unix://${first.controlSocket!}`, { callTimeoutMs: 5_000 });
    try {
      await client.deploy(app);
    } finally {
      client.close();
    }
    await waitFor(() => first.store.tasks().filter((t) => t.nodeId === 'n1').length === 2, 'two placed tasks');
    for (const t of first.store.tasks()) first.store.setTaskStatus({ ...t.status, state: 'running' });
    const before = first.store.tasks().map((t) => `${t.id} ${t.slot} ${t.nodeId} ${t.status.state}`).sort();
    await first.close();

    // A short grace, so the test can also watch it run out.
    const second = await start({ dataDir, heartbeatPeriodMs: 100, missedHeartbeats: 3 });
    expect(second.store.stacks().map((st) => st.name)).toEqual(['app']);
    expect(second.store.node('n1')?.state).toBe('ready');
    await second.loop.idle();
    const after = second.store.tasks().map((t) => `${t.id} ${t.slot} ${t.nodeId} ${t.status.state}`).sort();
    expect(after).toEqual(before);
    expect(second.store.tasks().every((t) => t.desired === 'run')).toBe(true);

    // Nobody re-registers n1: once the grace has run out it is down and its tasks are replaced.
    await waitFor(() => second.store.node('n1')?.state === 'down', 'n1 to be marked down');
    await waitFor(() => second.store.tasks().filter((t) => t.desired === 'run' && t.nodeId === undefined).length === 2, 'replacements');
  });

  it('refuses to start a second scheduler on a data dir in use, leaving the first one alone', async () => {
    const dataDir = tempDir();
    const first = await start({ dataDir });
    first.store.putNode(node('n1'));
    let error: unknown;
    try {
      running.push(await Scheduler.start({ dataDir }));
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'CONFLICT')).toBe(true);
    const client = connectControl(`unix://${first.controlSocket!}`, { callTimeoutMs: 5_000 });
    try {
      expect((await client.listNodes()).map((n) => n.id)).toEqual(['n1']);
    } finally {
      client.close();
    }
  });

  it('undoes what it started when a part fails to start', async () => {
    const dataDir = tempDir();
    const taken: NetServer = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    const port = (taken.address() as { port: number }).port;
    try {
      let error: unknown;
      try {
        await Scheduler.start({ dataDir, agentListen: `127.0.0.1:${port}` });
      } catch (e) {
        error = e;
      }
      expect(isBerthError(error, 'UNAVAILABLE')).toBe(true);
      // The store was released: a new scheduler opens it fine.
      const s = await start({ dataDir });
      expect(s.store.revision).toBe(0);
    } finally {
      taken.close();
    }
  });
});
