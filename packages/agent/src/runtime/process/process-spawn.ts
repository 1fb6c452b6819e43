/**
 * Spawning a process task so it outlives the agent: its own session and process group
 * (`detached`), stdin from /dev/null, stdout/stderr appended straight to log files (a pipe
 * would break, and kill the task with SIGPIPE, when the agent dies), and not keeping the
 * agent's event loop alive. Spawn failures of every kind become a rejected BerthError; the
 * child's 'error' events always have a listener, so none can crash the agent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { open, type FileHandle } from 'node:fs/promises';
import { BerthError } from '@berth/api';
import type { ExitResult } from '../runtime.js';
import type { ProcessIdentity } from './handle-id.js';
import type { LaunchPlan } from './launch-plan.js';
import { readProcStatSync } from './proc-stat.js';
import { exitResultFromStatus } from './signal-names.js';

/** A freshly started task process. */
export interface SpawnedProcess {
  identity: ProcessIdentity;
  /** Resolves with the exit result when the child exits; never rejects. */
  exit: Promise<ExitResult>;
}

/** Starts `plan` with output appended to the two log files. */
export async function spawnTaskProcess(
  plan: LaunchPlan,
  logs: { stdout: string; stderr: string },
): Promise<SpawnedProcess> {
  const files: FileHandle[] = [];
  try {
    files.push(await open(logs.stdout, 'a', 0o640), await open(logs.stderr, 'a', 0o640));
    const [out, err] = files as [FileHandle, FileHandle];
    return await launch(plan, out.fd, err.fd);
  } finally {
    // The child holds its own copies of the descriptors.
    await Promise.all(files.map((f) => f.close().catch(() => undefined)));
  }
}

function launch(plan: LaunchPlan, stdoutFd: number, stderrFd: number): Promise<SpawnedProcess> {
  let child: ChildProcess;
  try {
    child = spawn(plan.file, plan.argv.slice(1), {
      argv0: plan.argv[0],
      cwd: plan.cwd,
      env: plan.env,
      uid: plan.uid,
      gid: plan.gid,
      detached: true,
      stdio: ['ignore', stdoutFd, stderrFd],
    });
  } catch (err) {
    // EPERM from setuid/setgid and other errors are thrown synchronously by spawn.
    return Promise.reject(spawnError(plan, err));
  }
  const pid = child.pid;
  if (pid === undefined) {
    // ENOENT/EACCES arrive as an 'error' event on the next tick.
    return new Promise((_resolve, reject) => {
      child.once('error', (err) => reject(spawnError(plan, err)));
    });
  }
  // Read synchronously: an instantly exiting child stays a zombie (stat intact) until the
  // event loop reaps it, which cannot happen before this returns.
  const stat = readProcStatSync(pid);
  child.on('error', () => {
    // Only kill() emits 'error' after a successful spawn, and the driver signals by pid.
  });
  const exit = new Promise<ExitResult>((resolve) => {
    child.once('exit', (code, signal) => resolve(exitResultFromStatus(code, signal, Date.now())));
  });
  child.unref();
  if (stat === undefined) {
    killGroupQuietly(pid, 'SIGKILL');
    return Promise.reject(
      new BerthError('INTERNAL', `started ${plan.argv[0] ?? ''} as pid ${pid} but cannot read /proc/${pid}/stat`),
    );
  }
  return Promise.resolve({ identity: { pid, startTime: stat.startTime }, exit });
}

function spawnError(plan: LaunchPlan, err: unknown): BerthError {
  const e = err as NodeJS.ErrnoException;
  const command = plan.argv[0] ?? '';
  if (e.code === 'ENOENT') {
    return new BerthError('NOT_FOUND', `command "${command}" not found (${plan.file})`, {
      context: { command, file: plan.file },
      cause: err,
    });
  }
  return new BerthError('RUNTIME_UNAVAILABLE', `cannot start "${command}": ${e.message}`, {
    context: { command, file: plan.file, code: e.code },
    cause: err,
  });
}

/** Sends `signal` to process group `pgid`; false when the group no longer exists. */
export function killGroupQuietly(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
