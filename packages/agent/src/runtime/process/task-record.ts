/**
 * The per-task record `<dataDir>/tasks/<taskId>/process.json`: what a restarted agent needs to
 * find, identify and report a process it did not start itself. Written atomically (temp file +
 * rename) so a crash mid-write leaves the previous record, never half of one.
 */
import { mkdir, readFile, readdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { BerthError } from '@berth/api';
import type { ExitResult, TaskRef } from '../runtime.js';

/** What the driver stores about one task's current process. */
export interface TaskRecord {
  pid: number;
  /** Field 22 of /proc/<pid>/stat when the process started. */
  startTime: number;
  ref: TaskRef;
  argv: string[];
  cwd: string;
  uid?: number;
  gid?: number;
  /** Epoch ms. */
  startedAt: number;
  restarts: number;
  /** Set when this agent saw the process exit, so a later agent reports the real result. */
  exit?: ExitResult;
}

/** File names of one task's directory. */
export interface TaskPaths {
  dir: string;
  record: string;
  stdout: string;
  stderr: string;
}

/** Task ids become directory names, so they must not be able to climb out of `tasks/`. */
const SAFE_TASK_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,199}$/;

/** Paths of a task's files under `dataDir`; throws a USAGE BerthError for an unsafe task id. */
export function taskPaths(dataDir: string, taskId: string): TaskPaths {
  if (!SAFE_TASK_ID.test(taskId) || taskId.includes('..')) {
    throw new BerthError('USAGE', `task id "${taskId}" cannot be used as a directory name`, {
      context: { taskId },
    });
  }
  const dir = join(dataDir, 'tasks', taskId);
  return {
    dir,
    record: join(dir, 'process.json'),
    stdout: join(dir, 'stdout.log'),
    stderr: join(dir, 'stderr.log'),
  };
}

/** Validates parsed JSON as a TaskRecord; undefined when required fields are missing or wrong. */
export function parseTaskRecord(value: unknown): TaskRecord | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const r = value as Record<string, unknown>;
  const ref = r.ref as Record<string, unknown> | undefined;
  const count = (n: unknown): n is number => typeof n === 'number' && Number.isSafeInteger(n) && n >= 0;
  const str = (s: unknown): s is string => typeof s === 'string';
  if (!count(r.pid) || r.pid === 0 || !count(r.startTime) || !count(r.startedAt)) return undefined;
  if (!count(r.restarts) || !str(r.cwd) || !Array.isArray(r.argv) || !r.argv.every(str)) return undefined;
  if (typeof ref !== 'object' || ref === null) return undefined;
  if (![ref.taskId, ref.stack, ref.service, ref.nodeId].every(str) || !count(ref.slot)) return undefined;
  if (r.uid !== undefined && !count(r.uid)) return undefined;
  if (r.gid !== undefined && !count(r.gid)) return undefined;
  return value as TaskRecord;
}

/** Reads a task's record; undefined when it is missing or unreadable. */
export async function readTaskRecord(path: string): Promise<TaskRecord | undefined> {
  try {
    return parseTaskRecord(JSON.parse(await readFile(path, 'utf8')));
  } catch {
    return undefined;
  }
}

/** Writes a task's record atomically, readable by the agent only. */
export async function writeTaskRecord(path: string, record: TaskRecord): Promise<void> {
  const temp = `${path}.${process.pid}.tmp`;
  await writeFile(temp, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 });
  await rename(temp, path);
}

/** Ids of every task directory under `dataDir` (empty when there is none yet). */
export async function listTaskIds(dataDir: string): Promise<string[]> {
  const dir = join(dataDir, 'tasks');
  await mkdir(dir, { recursive: true });
  const entries = await readdir(dir, { withFileTypes: true });
  return entries.filter((e) => e.isDirectory()).map((e) => e.name);
}
