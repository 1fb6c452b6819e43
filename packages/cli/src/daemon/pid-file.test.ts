import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api/domain';
import { claimPidFile, isRunning, processStartTime, readPidFile, releasePidFile } from './pid-file.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function pidFile(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-pid-'));
  dirs.push(dir);
  return path.join(dir, 'daemon.pid');
}

/** A process that has exited (and been reaped): its pid names nobody now. */
async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await new Promise((resolve) => child.once('exit', resolve));
  return child.pid!;
}

describe('pid file', () => {
  it('records this process with its start time and releases only its own file', () => {
    const file = pidFile();
    claimPidFile(file);
    const record = readPidFile(file);
    expect(record?.pid).toBe(process.pid);
    expect(record?.startTime).toBe(processStartTime(process.pid));
    expect(isRunning(record!)).toBe(true);

    releasePidFile(file, process.pid + 1);
    expect(readPidFile(file)?.pid).toBe(process.pid);
    releasePidFile(file);
    expect(readPidFile(file)).toBeUndefined();
  });

  it('refuses a second daemon while the first one lives', () => {
    const file = pidFile();
    // The test runner's parent stands in for another live daemon.
    const other = process.ppid;
    writeFileSync(file, `${other}\n${processStartTime(other) ?? ''}\n`);
    let error: unknown;
    try {
      claimPidFile(file);
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'CONFLICT')).toBe(true);
    expect((error as Error).message).toContain(`pid ${other}`);
    expect(readPidFile(file)?.pid).toBe(other);
  });

  it('replaces a stale file: a dead pid, or a live pid whose start time differs (reused)', async () => {
    const file = pidFile();
    writeFileSync(file, `${await deadPid()}\n`);
    claimPidFile(file);
    expect(readPidFile(file)?.pid).toBe(process.pid);

    writeFileSync(file, `${process.ppid}\n${(processStartTime(process.ppid) ?? 0) + 1}\n`);
    expect(isRunning(readPidFile(file)!)).toBe(false);
    claimPidFile(file);
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe(String(process.pid));
  });

  it('reads nothing from a missing or garbled file', () => {
    const file = pidFile();
    expect(readPidFile(file)).toBeUndefined();
    writeFileSync(file, 'not a pid\n');
    expect(readPidFile(file)).toBeUndefined();
  });
});
