// ensureDaemon() as `berth up` uses it: with nothing answering on the default socket it starts
// `berth daemon` in the background (the real binary, detached) and waits until it answers;
// then it finds that daemon instead of starting another. `stopDaemon` ends it by its pid file.
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ensureDaemon, socketAnswers, stopDaemon } from '../../packages/cli/src/daemon/index.js';
import { isProcessAlive, procStartTime, waitFor } from '../support/agent-harness.js';

describe('ensureDaemon', () => {
  let home = '';
  let daemon: { pid: number; startTime: number } | undefined;

  afterAll(async () => {
    // Only the daemon this test started, and only while its pid is still that process.
    if (daemon !== undefined && isProcessAlive(daemon)) process.kill(daemon.pid, 'SIGKILL');
    if (home !== '') await rm(home, { recursive: true, force: true });
  });

  it('starts the default daemon once, reports it, and stops it by its pid file', async () => {
    home = await mkdtemp(path.join(tmpdir(), 'berth-ensure-'));
    const env: NodeJS.ProcessEnv = { HOME: home, XDG_STATE_HOME: path.join(home, 'state'), PATH: process.env['PATH'] ?? '/usr/bin:/bin' };
    const stateDir = path.join(home, 'state', 'berth');
    const lines: string[] = [];

    // An explicit host wins, and nothing is started for it.
    expect(await ensureDaemon({ host: 'tcp://127.0.0.1:1', env, log: (l) => lines.push(l) })).toEqual({ host: 'tcp://127.0.0.1:1' });
    expect(await ensureDaemon({ env: { ...env, BERTH_HOST: 'unix:///nowhere.sock' } })).toEqual({ host: 'unix:///nowhere.sock' });
    expect(lines).toEqual([]);

    const first = await ensureDaemon({ env, log: (l) => lines.push(l) });
    expect(first.started).toBeDefined();
    const pid = first.started!.pid;
    daemon = { pid, startTime: procStartTime(pid) ?? -1 };
    expect(first.host).toBe(`unix://${stateDir}/control.sock`);
    expect(lines).toEqual([`started berth daemon (pid ${pid}, logs: ${stateDir}/daemon.log)`]);
    expect(await socketAnswers(path.join(stateDir, 'control.sock'))).toBe(true);
    expect(readFileSync(path.join(stateDir, 'daemon.pid'), 'utf8').split('\n')[0]).toBe(String(pid));
    // Its output goes to the log file (the agent comes up just after the socket does).
    await waitFor(() => /daemon: ready/.test(readFileSync(path.join(stateDir, 'daemon.log'), 'utf8')), 'the daemon log to say ready', 20_000);

    const second = await ensureDaemon({ env, log: (l) => lines.push(l) });
    expect(second).toEqual({ host: first.host });
    expect(lines).toHaveLength(1);

    expect(await stopDaemon(stateDir, 15_000)).toEqual({ stopped: true, pid });
    expect(isProcessAlive(daemon)).toBe(false);
    expect(await socketAnswers(path.join(stateDir, 'control.sock'))).toBe(false);
    expect(await stopDaemon(stateDir)).toEqual({ stopped: false, reason: `no berth daemon is running on ${stateDir} (no pid file)` });
  }, 60_000);
});
