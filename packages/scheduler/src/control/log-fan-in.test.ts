import { describe, expect, it } from 'vitest';
import { BerthError, type LogChunk } from '@berth/api';
import { chunk } from './control.fixture.js';
import { fanInLogs, type LogRequestOptions, type RequestLogs } from './log-fan-in.js';
import type { LogLine } from './views.js';

const tasks = [
  { id: 't1', service: 'web', slot: 1 },
  { id: 't2', service: 'web', slot: 2 },
];

describe('fanInLogs', () => {
  it('merges every task into one writer, with identity, in per-task order', async () => {
    const seen: Array<{ taskId: string; options: LogRequestOptions }> = [];
    const requestLogs: RequestLogs = async function* (taskId, options) {
      seen.push({ taskId, options });
      yield chunk(taskId, `${taskId} a\n${taskId} b`, { time: 5 });
      yield chunk(taskId, `\n${taskId} c\n`, { stream: 'stderr', eof: true });
      yield chunk(taskId, 'after eof is ignored\n');
    };
    const lines: LogLine[] = [];
    const failures = await fanInLogs(tasks, {
      requestLogs,
      request: { follow: false, tail: 10 },
      write: (line) => void lines.push(line),
      signal: new AbortController().signal,
      now: () => 99,
    });
    expect(failures).toEqual([]);
    expect(seen).toEqual([
      { taskId: 't1', options: { follow: false, tail: 10 } },
      { taskId: 't2', options: { follow: false, tail: 10 } },
    ]);
    expect(lines.filter((l) => l.taskId === 't2')).toEqual([
      { service: 'web', taskId: 't2', slot: 2, stream: 'stdout', text: 't2 a', time: 5 },
      { service: 'web', taskId: 't2', slot: 2, stream: 'stderr', text: '', time: 99 },
      { service: 'web', taskId: 't2', slot: 2, stream: 'stderr', text: 't2 c', time: 99 },
      { service: 'web', taskId: 't2', slot: 2, stream: 'stdout', text: 't2 b', time: 5 },
    ]);
    expect(lines).toHaveLength(8);
  });

  it('keeps the other tasks going when one log fails, and reports it', async () => {
    const requestLogs: RequestLogs = async function* (taskId) {
      if (taskId === 't1') throw new BerthError('UNAVAILABLE', 'node n1 is down');
      yield chunk(taskId, 'fine\n');
    };
    const lines: LogLine[] = [];
    const failures = await fanInLogs(tasks, { requestLogs, request: { follow: false }, write: (l) => void lines.push(l), signal: new AbortController().signal, now: () => 1 });
    expect(lines.map((l) => l.text)).toEqual(['fine']);
    expect(failures).toEqual([{ taskId: 't1', error: expect.objectContaining({ code: 'UNAVAILABLE' }) }]);
  });

  it('ends on abort even when a source ignores the signal, and hands the signal to every request', async () => {
    const signals: AbortSignal[] = [];
    const requestLogs: RequestLogs = (taskId, _options, signal) => {
      signals.push(signal);
      let served = taskId === 't2'; // t2 never says anything; t1 says one line, then nothing
      return {
        [Symbol.asyncIterator]: () => ({
          next: (): Promise<IteratorResult<LogChunk>> => {
            if (served) return new Promise(() => {}); // ignores the signal: never settles
            served = true;
            return Promise.resolve({ done: false, value: chunk(taskId, 'first\n') });
          },
        }),
      };
    };
    const lines: LogLine[] = [];
    const controller = new AbortController();
    const done = fanInLogs(tasks, {
      requestLogs,
      request: { follow: true },
      write: (l) => {
        lines.push(l);
        controller.abort();
      },
      signal: controller.signal,
      now: () => 1,
    });
    await expect(done).resolves.toEqual([]);
    expect(lines.map((l) => l.text)).toEqual(['first']);
    expect(signals.every((s) => s.aborted)).toBe(true);
  });
});
