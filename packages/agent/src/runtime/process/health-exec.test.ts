import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { MAX_EXEC_OUTPUT_BYTES, healthCheckArgv, runHealthCheck, type ExecContext } from './health-exec.js';

const CONTEXT: ExecContext = { cwd: '/tmp', env: { PATH: process.env.PATH ?? '/usr/bin:/bin', HC: 'yes' } };

describe('healthCheckArgv', () => {
  it.each([
    [['CMD', 'curl', '-f', 'http://x'], ['curl', '-f', 'http://x']],
    [['CMD-SHELL', 'exit 1'], ['/bin/sh', '-c', 'exit 1']],
  ])('%j → %j', (test, argv) => {
    expect(healthCheckArgv(test)).toEqual(argv);
  });

  it.each([[['NONE']], [['CMD']], [['CMD', '']], [['CMD-SHELL']], [['CMD-SHELL', 'a', 'b']], [['curl']], [[]]])(
    'rejects %j',
    (test) => {
      let caught: unknown;
      try {
        healthCheckArgv(test);
      } catch (e) {
        caught = e;
      }
      expect(isBerthError(caught, 'USAGE')).toBe(true);
    },
  );
});

const dir = mkdtempSync(join(tmpdir(), 'berth-hc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

// Pids of background processes the scripts report, killed after each test whatever happened.
const reported: string[] = [];
afterEach(() => {
  for (const file of reported.splice(0)) {
    const pid = Number(readFileSafe(file));
    if (pid > 0) killQuietly(pid);
  }
});

function readFileSafe(path: string): string {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return '';
  }
}

function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return readFileSafe(`/proc/${pid}/stat`).split(') ')[1]?.[0] !== 'Z';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  for (const end = Date.now() + ms; Date.now() < end; await new Promise((r) => setTimeout(r, 20))) {
    if (check()) return true;
  }
  return check();
}

describe('runHealthCheck', () => {
  it('reports exit codes with combined output, in the given cwd and env', async () => {
    const ok = await runHealthCheck(['/bin/sh', '-c', 'pwd; echo "$HC" >&2'], CONTEXT, 5000);
    expect(ok).toEqual({ exitCode: 0, output: expect.stringMatching(/^\/tmp\nyes\n$/), timedOut: false });
    const failed = await runHealthCheck(['/bin/sh', '-c', 'echo nope; exit 3'], CONTEXT, 5000);
    expect(failed).toEqual({ exitCode: 3, output: 'nope\n', timedOut: false });
  });

  it('kills a check that overruns its timeout, background children included', async () => {
    const pidFile = join(dir, 'bg.pid');
    reported.push(pidFile);
    const script = `sleep 30 & echo $! > ${pidFile}; echo started; sleep 30`;
    const result = await runHealthCheck(['/bin/sh', '-c', script], CONTEXT, 300);
    expect(result).toMatchObject({ timedOut: true, exitCode: -1, output: 'started\n' });
    const background = Number(readFileSafe(pidFile));
    expect(background).toBeGreaterThan(0);
    expect(await eventually(() => !alive(background))).toBe(true);
  });

  it('keeps only the first 4 KiB of output', async () => {
    const result = await runHealthCheck(['/bin/sh', '-c', 'head -c 100000 /dev/zero | tr "\\0" a'], CONTEXT, 5000);
    expect(result.exitCode).toBe(0);
    expect(result.output).toBe('a'.repeat(MAX_EXEC_OUTPUT_BYTES));
  });

  it('reports a missing command as 127 instead of throwing', async () => {
    const result = await runHealthCheck(['no-such-health-tool'], CONTEXT, 5000);
    expect(result).toEqual({ exitCode: 127, output: 'command "no-such-health-tool" not found', timedOut: false });
  });

  it('does not wait for an escaped background child that keeps the pipes open', async () => {
    const pidFile = join(dir, 'escaped.pid');
    reported.push(pidFile);
    // setsid puts the sleeper outside the check's group, so only the drain timeout ends the wait.
    const script = `setsid sh -c 'echo $$ > ${pidFile}; exec sleep 30' & while [ ! -s ${pidFile} ]; do sleep 0.01; done; echo hi`;
    const result = await runHealthCheck(['/bin/sh', '-c', script], CONTEXT, 10_000);
    expect(result).toMatchObject({ exitCode: 0, timedOut: false, output: 'hi\n' });
    expect(alive(Number(readFileSafe(pidFile)))).toBe(true);
  });
});
