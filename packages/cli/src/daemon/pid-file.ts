/**
 * The daemon's pid file: one daemon per state dir, and how `berth daemon stop` finds it.
 *
 * The file holds the pid and, on Linux, the process's start time (field 22 of
 * /proc/<pid>/stat), so a pid reused by an unrelated process after a crash is not mistaken
 * for the daemon (and never signalled). It is created exclusively; a file naming a process
 * that is gone is stale and replaced.
 */
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { BerthError } from '@berth/api/domain';

/** What a pid file says. */
export interface PidRecord {
  pid: number;
  /** Start time in clock ticks since boot; undefined where /proc is not available. */
  startTime?: number;
}

/** The start time of `pid` from /proc; undefined when it is gone, a zombie, or there is no /proc. */
export function processStartTime(pid: number): number | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses; fields after it do not.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  if (fields[0] === 'Z' || fields[0] === 'X') return undefined;
  const start = Number(fields[22 - 3]);
  return Number.isSafeInteger(start) ? start : undefined;
}

/** Reads a pid file; undefined when it is missing or not a pid file. */
export function readPidFile(file: string): PidRecord | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
  const [pidLine, startLine] = text.split('\n');
  const pid = Number(pidLine);
  if (!Number.isSafeInteger(pid) || pid <= 0) return undefined;
  const startTime = Number(startLine);
  return startLine !== undefined && startLine !== '' && Number.isSafeInteger(startTime) ? { pid, startTime } : { pid };
}

/**
 * True while the process a record names is alive and (where checkable) the same process. A
 * zombie (killed, not yet reaped) counts as gone: it can hold nothing any more.
 */
export function isRunning(record: PidRecord): boolean {
  const startTime = processStartTime(record.pid);
  if (startTime !== undefined) return record.startTime === undefined || startTime === record.startTime;
  // With /proc, no start time means no (live) process; without it, ask the kernel.
  if (existsSync('/proc/self/stat')) return false;
  try {
    process.kill(record.pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * Makes `file` name this process; throws CONFLICT when it names another live process (a
 * daemon already running on this state dir). A stale file is replaced.
 */
export function claimPidFile(file: string, pid: number = process.pid): void {
  const startTime = processStartTime(pid);
  const content = `${pid}\n${startTime ?? ''}\n`;
  // Two tries: the second follows the removal of a stale file.
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      writeFileSync(file, content, { flag: 'wx', mode: 0o644 });
      return;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const holder = readPidFile(file);
    if (holder !== undefined && holder.pid !== pid && isRunning(holder)) {
      throw new BerthError('CONFLICT', `a berth daemon is already running on this state dir (pid ${holder.pid}, pid file ${file})`, {
        context: { pid: holder.pid, file },
      });
    }
    rmSync(file, { force: true });
  }
  throw new BerthError('CONFLICT', `cannot create the pid file ${file}: another daemon is starting`, { context: { file } });
}

/** Removes `file` if it still names `pid` (a newer daemon's file is left alone). */
export function releasePidFile(file: string, pid: number = process.pid): void {
  if (readPidFile(file)?.pid === pid) rmSync(file, { force: true });
}
