// The harness's view of a process-driver host, on real processes: found by the HOME they were
// started with and named by the agent's task records; killed by pid and start time only.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { sleep } from '../support/berth-process.mjs';
import {
  HomeScanner,
  isSameProcessAlive,
  killProcessWorkloads,
  procStat,
  readProcessRecords,
  scanProcessWorkloads,
  type HostRef,
} from '../support/host-workloads.mjs';

describe('host workloads (process driver)', () => {
  let root = '';
  let host: HostRef;
  const children: ChildProcess[] = [];

  const start = (home: string): { pid: number; startTime: number } => {
    const child = spawn('sleep', ['60'], { detached: true, stdio: 'ignore', env: { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: home } });
    children.push(child);
    const pid = child.pid;
    if (pid === undefined) throw new Error('spawn failed');
    const stat = procStat(pid);
    if (stat === undefined) throw new Error('no /proc entry for the child');
    return { pid, startTime: stat.startTime };
  };

  const writeRecord = async (taskId: string, p: { pid: number; startTime: number }, slot: number): Promise<void> => {
    const dir = path.join(host.dataDir, 'tasks', taskId);
    await mkdir(dir, { recursive: true });
    const ref = { taskId, stack: 'st', service: 'web', slot, nodeId: 'n1' };
    await writeFile(path.join(dir, 'process.json'), JSON.stringify({ pid: p.pid, startTime: p.startTime, ref, argv: ['sleep'], cwd: '/', startedAt: 0, restarts: 0 }));
  };

  const waitGone = async (p: { pid: number; startTime: number }): Promise<void> => {
    for (let i = 0; i < 100 && isSameProcessAlive(p.pid, p.startTime); i++) await sleep(20);
  };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'berth-workloads-'));
    host = { n: 1, home: path.join(root, 'home-1'), dataDir: path.join(root, 'agent-1'), agentPids: [] };
  });

  afterEach(async () => {
    for (const c of children.splice(0)) {
      if (c.exitCode === null && c.signalCode === null && c.pid !== undefined) {
        try {
          process.kill(-c.pid, 'SIGKILL');
        } catch {
          // Already gone.
        }
      }
    }
    await rm(root, { recursive: true, force: true });
  });

  it('reads task records, skipping broken ones', async () => {
    await writeRecord('t1', { pid: 123, startTime: 456 }, 2);
    await mkdir(path.join(host.dataDir, 'tasks', 'broken'), { recursive: true });
    await writeFile(path.join(host.dataDir, 'tasks', 'broken', 'process.json'), '{"pid":');
    expect(await readProcessRecords(host.dataDir)).toEqual([{ pid: 123, startTime: 456, taskId: 't1', stack: 'st', service: 'web', slot: 2, nodeId: 'n1' }]);
    expect(await readProcessRecords(path.join(root, 'nowhere'))).toEqual([]);
  });

  it('attributes recorded processes to their slot, reports marked unrecorded ones, ignores others', async () => {
    const recorded = start(host.home);
    const leaked = start(host.home);
    const stranger = start(path.join(root, 'someone-else'));
    await writeRecord('t1', recorded, 1);
    // A record whose process has ended is not a copy.
    await writeRecord('t2', { pid: stranger.pid, startTime: stranger.startTime + 1 }, 2);
    const scan = await scanProcessWorkloads(new HomeScanner(), [host]);
    expect(scan.copies).toEqual([{ host: 1, stack: 'st', service: 'web', slot: 1, taskId: 't1', id: `${recorded.pid}:${recorded.startTime}` }]);
    expect(scan.unattributed).toEqual([{ host: 1, id: `${leaked.pid}:${leaked.startTime}` }]);
  });

  it('never reports an agent pid as a workload', async () => {
    const agentLike = start(host.home);
    const scan = await scanProcessWorkloads(new HomeScanner(), [{ ...host, agentPids: [agentLike.pid] }]);
    expect(scan.unattributed).toEqual([]);
  });

  it("kills exactly the host's workloads, recorded or only marked", async () => {
    const recorded = start(host.home);
    const leaked = start(host.home);
    const stranger = start(path.join(root, 'someone-else'));
    await writeRecord('t1', recorded, 1);
    const scanner = new HomeScanner();
    expect(await killProcessWorkloads(scanner, host)).toBe(2);
    await waitGone(recorded);
    await waitGone(leaked);
    expect(isSameProcessAlive(recorded.pid, recorded.startTime)).toBe(false);
    expect(isSameProcessAlive(leaked.pid, leaked.startTime)).toBe(false);
    expect(isSameProcessAlive(stranger.pid, stranger.startTime)).toBe(true);
    expect((await scanProcessWorkloads(scanner, [host])).copies).toEqual([]);
  });
});
