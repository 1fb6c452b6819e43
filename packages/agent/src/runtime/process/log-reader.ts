/**
 * Reading a process task's stdout/stderr files: the stored part (rotated file, then current
 * one; `tail` applies per stream), then, with `follow`, new output by polling the files every
 * `pollMs`. Polling, not fs.watch: watch events are lost across copy-truncate rotation and on
 * some filesystems, and a poll at a few hundred ms is cheap and bounded.
 *
 * Limits, since the child writes the files directly and nothing timestamps its lines: stdout
 * and stderr cannot be interleaved in true order (stored stdout comes first, then stderr; while
 * following, each poll emits stdout before stderr), entries carry no `time`, and `since` only
 * skips whole files last modified before it.
 */
import { open, stat } from 'node:fs/promises';
import type { LogStream } from '@berth/api';
import type { LogEntry, LogOptions } from '../runtime.js';
import { splitLines, tailLines } from './log-lines.js';
import { rotatedPath } from './log-rotation.js';

/** How following learns that the workload is gone (then it drains what is left and ends). */
export interface LogFollowControl {
  isRunning(): Promise<boolean>;
  pollMs: number;
}

/** Largest read done at once, so a huge burst is emitted in pieces rather than buffered whole. */
const MAX_READ_BYTES = 1024 * 1024;

/** An unterminated line longer than this is emitted as it stands instead of held back. */
const MAX_HELD_BYTES = 64 * 1024;

/** Reads (and with `follow`, follows) one task's log files as tagged entries. */
export async function* readTaskLogs(
  files: Readonly<Record<LogStream, string>>,
  options: LogOptions,
  control: LogFollowControl,
): AsyncGenerator<LogEntry> {
  const streams: LogStream[] = ['stdout', 'stderr'];
  const offsets = { stdout: 0, stderr: 0 };
  for (const stream of streams) {
    const stored = await readStored(files[stream], options.since);
    offsets[stream] = stored.offset;
    for (const line of tailLines(stored.data, options.tail)) yield entry(stream, line);
  }
  if (!options.follow) return;

  const carry: Record<LogStream, Buffer> = { stdout: Buffer.alloc(0), stderr: Buffer.alloc(0) };
  for (;;) {
    if (options.signal?.aborted) break;
    // Asked before reading, so the read after the workload ended drains everything it wrote.
    const running = await control.isRunning();
    for (const stream of streams) {
      const fresh = await readNew(files[stream], offsets, stream);
      const { lines, rest } = splitLines(Buffer.concat([carry[stream], fresh]));
      for (const line of lines) yield entry(stream, line);
      // A partial line (a prompt, a progress bar) is shown once no more arrives for a poll.
      const flush = fresh.length === 0 || !running || rest.length > MAX_HELD_BYTES;
      carry[stream] = flush ? Buffer.alloc(0) : rest;
      if (flush && rest.length > 0) yield entry(stream, rest);
    }
    if (!running) break;
    await sleep(control.pollMs, options.signal);
  }
}

/** One entry per line, without its '\n' (as the docker driver reports lines). */
function entry(stream: LogStream, line: Buffer): LogEntry {
  const end = line.at(-1) === 0x0a ? line.length - 1 : line.length;
  return { stream, text: line.subarray(0, end).toString('utf8') };
}

/** The rotated file plus the current one, and how far into the current one that read went. */
async function readStored(path: string, since?: number): Promise<{ data: Buffer; offset: number }> {
  const current = await stat(path).catch(() => undefined);
  const offset = current?.size ?? 0;
  const parts: Buffer[] = [];
  const rotated = await stat(rotatedPath(path)).catch(() => undefined);
  if (rotated && (since === undefined || rotated.mtimeMs >= since)) {
    parts.push(await readRange(rotatedPath(path), 0, rotated.size));
  }
  if (current && (since === undefined || current.mtimeMs >= since)) {
    parts.push(await readRange(path, 0, offset));
  }
  return { data: Buffer.concat(parts), offset };
}

/** Bytes appended since `offsets[stream]`, following a copy-truncate rotation if one happened. */
async function readNew(path: string, offsets: Record<LogStream, number>, stream: LogStream): Promise<Buffer> {
  const size = (await stat(path).catch(() => undefined))?.size ?? 0;
  const parts: Buffer[] = [];
  if (size < offsets[stream]) {
    // Rotated: what we had not read yet went to the .1 copy, starting at our old offset.
    const rotatedSize = (await stat(rotatedPath(path)).catch(() => undefined))?.size ?? 0;
    if (rotatedSize > offsets[stream]) {
      parts.push(await readRange(rotatedPath(path), offsets[stream], rotatedSize));
    }
    offsets[stream] = 0;
  }
  const end = Math.min(size, offsets[stream] + MAX_READ_BYTES);
  if (end > offsets[stream]) {
    const fresh = await readRange(path, offsets[stream], end);
    offsets[stream] += fresh.length;
    parts.push(fresh);
  }
  return Buffer.concat(parts);
}

async function readRange(path: string, start: number, end: number): Promise<Buffer> {
  if (end <= start) return Buffer.alloc(0);
  const file = await open(path, 'r').catch(() => undefined);
  if (file === undefined) return Buffer.alloc(0);
  try {
    const buffer = Buffer.alloc(end - start);
    const { bytesRead } = await file.read(buffer, 0, buffer.length, start);
    return buffer.subarray(0, bytesRead);
  } finally {
    await file.close();
  }
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
