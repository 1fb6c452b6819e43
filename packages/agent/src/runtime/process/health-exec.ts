/**
 * Health checks of process tasks run beside the task on the host, with the task's cwd,
 * environment and user. Each check runs in its own process group so a timeout (or a check that
 * leaves background children) is cleaned up whole; output is kept up to 4 KiB, the first bytes,
 * as Docker does.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { BerthError } from '@berth/api';
import type { ExecResult } from '../runtime.js';
import { exitResultFromStatus } from './signal-names.js';

/** Where and as whom a task's commands run. */
export interface ExecContext {
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

/** Output kept from one check. */
export const MAX_EXEC_OUTPUT_BYTES = 4096;

/** Exit code reported for a check that timed out (the docker driver reports the same). */
export const TIMED_OUT_EXIT_CODE = -1;

/** How long to wait for a finished check's pipes to close before giving up on late output. */
const DRAIN_MS = 200;

/** argv of a health check test: `['CMD', ...argv]` or `['CMD-SHELL', script]` (via /bin/sh -c). */
export function healthCheckArgv(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD' && rest.length > 0 && rest[0] !== '') return rest;
  if (kind === 'CMD-SHELL' && rest.length === 1) return ['/bin/sh', '-c', rest[0] ?? ''];
  throw new BerthError('USAGE', `health check test ${JSON.stringify(test)} is not CMD or CMD-SHELL`, {
    context: { test },
  });
}

/**
 * Runs `argv` and reports how it ended; never rejects. A command that cannot be started
 * reports 127 (not found) or 126 (cannot run), like a shell; a timeout kills the check's group
 * and reports `timedOut` with exit code -1.
 */
export function runHealthCheck(argv: readonly string[], context: ExecContext, timeoutMs: number): Promise<ExecResult> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let kept = 0;
    let timedOut = false;
    let exitCode: number | undefined;
    let settled = false;
    let timer: NodeJS.Timeout | undefined;
    let drain: NodeJS.Timeout | undefined;
    const finish = (result: ExecResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      clearTimeout(drain);
      resolve(result);
    };
    const output = (): string => Buffer.concat(chunks).toString('utf8');
    const collect = (chunk: Buffer): void => {
      if (kept >= MAX_EXEC_OUTPUT_BYTES) return;
      const piece = chunk.subarray(0, MAX_EXEC_OUTPUT_BYTES - kept);
      chunks.push(piece);
      kept += piece.length;
    };

    let child: ChildProcess;
    try {
      child = spawn(argv[0] ?? '', argv.slice(1), {
        cwd: context.cwd,
        env: context.env,
        uid: context.uid,
        gid: context.gid,
        detached: true,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
    } catch (err) {
      finish({ exitCode: 126, output: `cannot run ${argv[0] ?? ''}: ${describe(err)}`, timedOut: false });
      return;
    }
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    child.on('error', (err: NodeJS.ErrnoException) => {
      if (exitCode !== undefined) return; // a late error (e.g. from a pipe) after the exit
      const missing = err.code === 'ENOENT';
      const text = missing ? `command "${argv[0] ?? ''}" not found` : `cannot run ${argv[0] ?? ''}: ${err.message}`;
      finish({ exitCode: missing ? 127 : 126, output: text, timedOut: false });
    });
    const pid = child.pid;
    timer = setTimeout(() => {
      timedOut = true;
      killGroup(pid);
    }, timeoutMs);
    child.on('exit', (code, signal) => {
      exitCode = timedOut ? TIMED_OUT_EXIT_CODE : exitResultFromStatus(code, signal, Date.now()).exitCode;
      // Background children of the check would hold the pipes open (and linger): end them.
      killGroup(pid);
      drain = setTimeout(() => finish({ exitCode: exitCode ?? -1, output: output(), timedOut }), DRAIN_MS);
    });
    child.on('close', () => {
      if (exitCode !== undefined) finish({ exitCode, output: output(), timedOut });
    });
  });
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, 'SIGKILL');
  } catch {
    // ESRCH: the group is already gone.
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}
