import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync, copyFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import type { LogEntry, LogOptions } from '../runtime.js';
import { readTaskLogs, type LogFollowControl } from './log-reader.js';

const dir = mkdtempSync(join(tmpdir(), 'berth-logreader-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let n = 0;
function files(): { stdout: string; stderr: string } {
  n += 1;
  return { stdout: join(dir, `${n}-out.log`), stderr: join(dir, `${n}-err.log`) };
}

const stopped: LogFollowControl = { isRunning: () => Promise.resolve(false), pollMs: 10 };

async function collect(
  paths: { stdout: string; stderr: string },
  options: LogOptions,
  control = stopped,
): Promise<LogEntry[]> {
  const out: LogEntry[] = [];
  for await (const e of readTaskLogs(paths, options, control)) out.push(e);
  return out;
}

describe('readTaskLogs', () => {
  it('reads the rotated file then the current one, per stream, tagged', async () => {
    const paths = files();
    writeFileSync(`${paths.stdout}.1`, 'o1\no2\n');
    writeFileSync(paths.stdout, 'o3\no4');
    writeFileSync(paths.stderr, 'e1\n');
    expect(await collect(paths, { follow: false })).toEqual([
      { stream: 'stdout', text: 'o1' },
      { stream: 'stdout', text: 'o2' },
      { stream: 'stdout', text: 'o3' },
      { stream: 'stdout', text: 'o4' },
      { stream: 'stderr', text: 'e1' },
    ]);
    const tailed = await collect(paths, { follow: false, tail: 2 });
    expect(tailed.map((e) => e.text)).toEqual(['o3', 'o4', 'e1']);
  });

  it('gives nothing for missing files and skips files older than `since`', async () => {
    const paths = files();
    expect(await collect(paths, { follow: false })).toEqual([]);
    writeFileSync(paths.stdout, 'old\n');
    expect(await collect(paths, { follow: false, since: Date.now() + 60_000 })).toEqual([]);
  });

  it('follows appended output across a rotation and ends once the workload is gone', async () => {
    const paths = files();
    writeFileSync(paths.stdout, 'before\n');
    let running = true;
    const control: LogFollowControl = { isRunning: () => Promise.resolve(running), pollMs: 10 };
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of readTaskLogs(paths, { follow: true, tail: 1 }, control)) {
        seen.push(`${e.stream}:${e.text}`);
        if (e.text === 'one') {
          // Rotate the way log-rotation does: copy to .1, truncate, keep appending.
          appendFileSync(paths.stdout, 'two\n');
          copyFileSync(paths.stdout, `${paths.stdout}.1`);
          truncateSync(paths.stdout, 0);
          appendFileSync(paths.stdout, 'three\n');
          appendFileSync(paths.stderr, 'err\n');
          running = false;
        }
      }
    })();
    await new Promise((r) => setTimeout(r, 30));
    appendFileSync(paths.stdout, 'one\n');
    await done;
    // Within one poll stdout is read before stderr, so only the order per stream is defined.
    expect(seen.filter((s) => s.startsWith('stdout:'))).toEqual([
      'stdout:before',
      'stdout:one',
      'stdout:two',
      'stdout:three',
    ]);
    expect(seen.filter((s) => s.startsWith('stderr:'))).toEqual(['stderr:err']);
  });

  it('shows a partial line once output pauses, and stops when the signal aborts', async () => {
    const paths = files();
    writeFileSync(paths.stdout, '');
    const abort = new AbortController();
    const control: LogFollowControl = { isRunning: () => Promise.resolve(true), pollMs: 10 };
    const seen: string[] = [];
    const done = (async () => {
      for await (const e of readTaskLogs(paths, { follow: true, signal: abort.signal }, control)) {
        seen.push(e.text);
        if (e.text === 'Password: ') abort.abort();
      }
    })();
    appendFileSync(paths.stdout, 'Password: ');
    await done;
    expect(seen).toEqual(['Password: ']);
  });
});
