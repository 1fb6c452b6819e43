// End to end through the real binary, no Docker: a `berth daemon` on a temp dir (reached via
// BERTH_HOST), then `berth up -d --wait` of the hello example (process driver), `ps`, `ls`,
// `logs`, `down`; attached `up` stopped by Ctrl-C; and the failures a person meets first:
// a task that cannot start, an invalid stack, no daemon. Only processes this test started are
// ever signalled.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { freePort } from '../support/berth-e2e.js';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentProcess, isProcessAlive, waitFor } from '../support/agent-harness.js';
import { REPO_ROOT } from '../support/shared.js';

const BERTH_BIN = path.join(REPO_ROOT, 'packages/cli/bin/berth.js');
const HELLO = path.join(REPO_ROOT, 'examples/hello/stack.yaml');

/** One finished berth run. */
interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** A berth run in the background: its output so far, SIGINT, and how it ended. */
interface Background {
  output: () => { stdout: string; stderr: string };
  interrupt: () => void;
  finished: Promise<Run>;
}

/** Starts berth without blocking the test's event loop (the daemon's output must keep flowing). */
function startBerth(args: string[], env: NodeJS.ProcessEnv): Background {
  const child = spawn(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
  const timer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  const finished = new Promise<Run>((resolve) => {
    child.once('close', (status) => {
      clearTimeout(timer);
      resolve({ status, stdout, stderr });
    });
  });
  return { output: () => ({ stdout, stderr }), interrupt: () => child.kill('SIGINT'), finished };
}

describe('berth up / ps / down against a daemon (process driver)', () => {
  let dataDir = '';
  let daemon: AgentProcess | undefined;
  let env: NodeJS.ProcessEnv = {};
  const berth = (args: string[], extra: NodeJS.ProcessEnv = {}): Promise<Run> => startBerth(args, { ...env, ...extra }).finished;
  const psJson = async (): Promise<Array<Record<string, unknown>>> => {
    const r = await berth(['ps', '-p', 'hello', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return JSON.parse(r.stdout) as Array<Record<string, unknown>>;
  };

  beforeAll(async () => {
    dataDir = await mkdtemp(path.join(tmpdir(), 'berth-up-'));
    const base = { PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`, HOME: dataDir, NO_COLOR: '1' };
    daemon = new AgentProcess(['daemon', '--data-dir', path.join(dataDir, 'daemon'), '--heartbeat-period', '200ms'], base);
    await waitFor(
      () => {
        if (!daemon?.running) throw new Error(`berth daemon exited:\n${daemon?.tail()}`);
        return /scheduler: node \S+ registered/.test(daemon.output);
      },
      'the daemon to be up and its agent registered',
      20_000,
      () => daemon?.tail() ?? '',
    );
    env = {
      ...base,
      BERTH_HOST: `unix://${path.join(dataDir, 'daemon', 'control.sock')}`,
      // Where a default daemon would live: nothing must ever be started there.
      XDG_STATE_HOME: path.join(dataDir, 'xdg'),
      HELLO_PORT: String(await freePort()),
      CRASH_EVERY: '1000000000',
    };
  }, 30_000);

  afterAll(async () => {
    if (daemon?.running) await berth(['down', '-p', 'hello', '--timeout', '1']);
    await daemon?.stop();
    // Task processes the daemon left behind (a failed test), by pid and only if still theirs.
    const tasksDir = path.join(dataDir, 'daemon', 'agent', 'tasks');
    for (const id of existsSync(tasksDir) ? readdirSync(tasksDir) : []) {
      const file = path.join(tasksDir, id, 'process.json');
      if (!existsSync(file)) continue;
      const record = JSON.parse(readFileSync(file, 'utf8')) as { pid: number; startTime: number };
      if (!isProcessAlive(record)) continue;
      try {
        process.kill(-record.pid, 'SIGKILL');
      } catch {
        // Ended in between.
      }
    }
    if (dataDir !== '') await rm(dataDir, { recursive: true, force: true });
  }, 30_000);

  it('up -d --wait runs hello; ps, ls and logs show it; down removes it all', async () => {
    const up = await berth(['up', '-d', '--wait', '-f', HELLO]);
    expect(up.stderr).toBe('');
    expect(up.status).toBe(0);
    expect(up.stdout).toMatch(/^web\s+created$/m);
    expect(up.stdout).toMatch(/^worker\s+created$/m);
    // Not a terminal: plain progress lines, printed on change only.
    expect(up.stdout).toMatch(/^web-1 running \(healthy\)$/m);
    expect(up.stdout.split('\n').filter((l) => l === 'web-1 running (healthy)')).toHaveLength(1);

    const tasks = await psJson();
    expect(tasks.map((t) => [t['service'], t['slot'], t['state']])).toEqual([
      ['web', 1, 'running'],
      ['worker', 1, 'running'],
    ]);
    expect(tasks[0]?.['health']).toBe('healthy');
    expect(Object.keys(tasks[0] ?? {})).toEqual(['id', 'stack', 'service', 'slot', 'node', 'state', 'health', 'restarts', 'exitCode', 'message']);

    const table = await berth(['ps', '-p', 'hello']);
    expect(table.stdout.split('\n')[0]).toMatch(/^NAME\s+SERVICE\s+NODE\s+STATE\s+HEALTH\s+RESTARTS\s+EXIT\s+MESSAGE$/);
    expect(table.stdout).toMatch(/^web-1\s+web\s+\S+\s+running\s+healthy\s+0$/m);

    const ls = await berth(['ls', '--format', 'json']);
    expect(JSON.parse(ls.stdout)).toMatchObject([{ name: 'hello', services: 2, tasksDesired: 2, tasksRunning: 2 }]);

    const logs = await berth(['logs', '-p', 'hello', 'web']);
    expect(logs.status).toBe(0);
    expect(logs.stdout).toMatch(/^web-1 \| web listening on http:\/\/127\.0\.0\.1:\d+\/$/m);
    const bare = await berth(['logs', '-p', 'hello', '--no-prefix', 'web']);
    expect(bare.stdout).toMatch(/^web listening on /m);

    // A re-deploy of the same files changes nothing.
    const again = await berth(['up', '-d', '-f', HELLO]);
    expect(again.stdout).toMatch(/^web\s+unchanged$/m);

    const down = await berth(['down', '-f', HELLO]);
    expect(down.stderr).toBe('');
    expect(down.status).toBe(0);
    expect(down.stdout).toMatch(/^web\s+removed$/m);
    expect(down.stdout).toMatch(/^stack hello removed$/m);
    expect(await psJson()).toEqual([]);

    const downAgain = await berth(['down', '-p', 'hello']);
    expect(downAgain.status).toBe(0);
    expect(downAgain.stderr).toMatch(/stack hello is not deployed/);
  }, 90_000);

  it('attached up shows progress then logs, and the first Ctrl-C removes the stack', async () => {
    const run = startBerth(['up', '-f', HELLO], env);
    await waitFor(() => /^web-1 \| web listening/m.test(run.output().stdout), 'web output in the attached logs', 30_000, () => JSON.stringify(run.output()));
    expect(run.output().stdout).toMatch(/^attaching to web-1/m);
    run.interrupt();
    const r = await run.finished;
    expect(r.stderr).toMatch(/Gracefully stopping\.\.\. \(press Ctrl\+C again to force\)/);
    expect(r.status).toBe(0);
    expect(await psJson()).toEqual([]);
  }, 90_000);

  it('up --wait fails with the reason per task when a task cannot run', async () => {
    const file = path.join(dataDir, 'broken.yaml');
    writeFileSync(
      file,
      ['name: broken', 'services:', '  job:', '    command: ["node", "-e", "process.exit(3)"]', '    x-berth:', '      driver: process', ''].join('\n'),
    );
    const r = await berth(['up', '-d', '--wait', '--timeout', '30', '-f', file]);
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^berth: stack broken cannot become ready:$/m);
    expect(r.stderr).toMatch(/^ {2}job-1 {2}.*code 3/m);
    const down = await berth(['down', '-p', 'broken']);
    expect(down.status).toBe(0);
  }, 60_000);

  it('an invalid stack exits 1 before any daemon is contacted; no daemon exits 3', async () => {
    const file = path.join(dataDir, 'invalid.yaml');
    writeFileSync(file, 'services:\n  web:\n    imgae: nginx\n');
    const invalid = await berth(['up', '-d', '-f', file], { BERTH_HOST: 'tcp://127.0.0.1:1' });
    expect(invalid.status).toBe(1);
    expect(invalid.stderr).toMatch(/unknown key "imgae"/);
    expect(invalid.stderr).not.toMatch(/cannot reach|daemon/);

    const noDaemon = await berth(['ps', '-p', 'hello'], { BERTH_HOST: '' });
    expect(noDaemon.status).toBe(3);
    expect(noDaemon.stderr).toMatch(/^berth: no berth daemon is running/);
    expect(existsSync(path.join(dataDir, 'xdg', 'berth', 'control.sock'))).toBe(false);
  }, 30_000);
});
