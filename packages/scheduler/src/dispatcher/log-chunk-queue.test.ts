import { describe, expect, it } from 'vitest';
import { BerthError, type LogChunk } from '@berth/api';
import { LogChunkQueue } from './log-chunk-queue.js';
import { logFailureCode, OpenLogRequests } from './open-log-requests.js';

function chunk(text: string, eof = false, requestId = 'r1'): LogChunk {
  return { requestId, taskId: 't1', stream: 'stdout', data: new TextEncoder().encode(text), eof };
}

async function texts(iterable: AsyncIterable<LogChunk>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of iterable) out.push(new TextDecoder().decode(c.data) + (c.eof ? '<eof>' : ''));
  return out;
}

describe('LogChunkQueue', () => {
  it('yields chunks pushed before and during reading, the eof chunk last', async () => {
    const queue = new LogChunkQueue();
    queue.push(chunk('a'));
    const reading = texts(queue.read());
    await Promise.resolve();
    queue.push(chunk('b'));
    queue.push(chunk('', true));
    queue.push(chunk('after eof'));
    expect(await reading).toEqual(['a', 'b', '<eof>']);
    expect(queue.ended).toBe(true);
  });

  it('throws the failure after the chunks already queued', async () => {
    const queue = new LogChunkQueue();
    queue.push(chunk('a'));
    queue.fail(new BerthError('UNAVAILABLE', 'gone'));
    const seen: string[] = [];
    await expect(async () => {
      for await (const c of queue.read()) seen.push(new TextDecoder().decode(c.data));
    }).rejects.toMatchObject({ code: 'UNAVAILABLE' });
    expect(seen).toEqual(['a']);
  });

  it('returns without an error once the signal aborts, even while waiting', async () => {
    const queue = new LogChunkQueue();
    const controller = new AbortController();
    const reading = texts(queue.read(controller.signal));
    queue.push(chunk('a'));
    await new Promise((resolve) => setImmediate(resolve));
    controller.abort();
    expect(await reading).toEqual(['a']);
    expect(queue.ended).toBe(false);
  });
});

describe('OpenLogRequests', () => {
  it('accepts answers only from the stream the request went to', async () => {
    const requests = new OpenLogRequests<string>();
    const queue = requests.open('r1', 'stream-a');
    requests.chunk('stream-b', chunk('intruder'));
    requests.chunk('stream-a', chunk('mine'));
    requests.failure('stream-b', { requestId: 'r1', taskId: 't1', code: 'NOT_FOUND', message: 'no' });
    requests.chunk('stream-a', chunk('', true));
    expect(await texts(queue.read())).toEqual(['mine', '<eof>']);
    expect(requests.size).toBe(0);
  });

  it('fails the requests of a stream that went away, and only those', async () => {
    const requests = new OpenLogRequests<string>();
    const a = requests.open('r1', 'stream-a');
    requests.open('r2', 'stream-b');
    requests.streamGone('stream-a', 'the stream went away');
    await expect(texts(a.read())).rejects.toMatchObject({ code: 'UNAVAILABLE', message: 'the stream went away' });
    expect(requests.size).toBe(1);
  });

  it('turns an agent failure into a BerthError with its code', async () => {
    const requests = new OpenLogRequests<string>();
    const queue = requests.open('r1', 's');
    requests.failure('s', { requestId: 'r1', taskId: 't1', code: 'NOT_FOUND', message: 'no such task' });
    await expect(texts(queue.read())).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no such task' });
  });

  it.each([
    ['NOT_FOUND', 'NOT_FOUND'],
    ['RUNTIME_UNAVAILABLE', 'RUNTIME_UNAVAILABLE'],
    ['SOMETHING_NEW', 'UNAVAILABLE'],
    ['constructor', 'UNAVAILABLE'],
    ['', 'UNAVAILABLE'],
  ])('maps agent code %j to %s', (code, expected) => {
    expect(logFailureCode(code)).toBe(expected);
  });
});
