// Dispatcher.requestLogs against a real SchedulerLink on loopback; the test plays the agent's
// side of each LogRequest (chunks, eof, a failure) through the link.
import { afterEach, describe, expect, it } from 'vitest';
import { isBerthError, type LogChunk, type LogRequest } from '@berth/api';
import { SchedulerLink } from '@berth/agent';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleTask } from '../store/store.fixture.js';
import { Dispatcher } from './dispatcher.js';
import { eventually, hostDispatcher, sampleRegistration, stackWithResources, type HostedDispatcher } from './dispatcher.fixture.js';

const cleanups: Array<() => Promise<void> | void> = [];

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Harness {
  store: MemoryStateStore;
  dispatcher: Dispatcher;
  hosted: HostedDispatcher;
  link: SchedulerLink;
  requests: LogRequest[];
  cancels: string[];
}

/** Task t1 on n1 (connected through a real link), t2 on n2 (never connected), t3 pending. */
async function start(): Promise<Harness> {
  const store = new MemoryStateStore();
  store.transaction((tx) => {
    tx.putStack(stackWithResources('shop', ['web']));
    tx.putNode(sampleNode('n2'));
    tx.putTask(sampleTask('t1', 'shop', 'web', 1, 'n1'));
    tx.putTask(sampleTask('t2', 'shop', 'web', 2, 'n2'));
    tx.putTask(sampleTask('t3', 'shop', 'web', 3));
  });
  let next = 0;
  const dispatcher = new Dispatcher(store, { newId: () => `req-${++next}` });
  const hosted = await hostDispatcher(dispatcher);
  const { nodeId: _n, ...report } = sampleRegistration('n1');
  const link = new SchedulerLink({ address: hosted.address, nodeId: 'n1', report: () => report, backoff: { initialMs: 20, maxMs: 100 } });
  const requests: LogRequest[] = [];
  const cancels: string[] = [];
  link.on('logRequest', (r) => requests.push(r));
  link.on('logCancel', (id) => cancels.push(id));
  let connected = false;
  link.on('connected', () => (connected = true));
  link.start();
  cleanups.push(() => hosted.close(), () => store.close(), () => link.close());
  await eventually(() => connected, 'the link to connect');
  return { store, dispatcher, hosted, link, requests, cancels };
}

function chunk(request: LogRequest, text: string, eof = false, stream: LogChunk['stream'] = 'stdout'): LogChunk {
  return { requestId: request.requestId, taskId: request.taskId, stream, data: new TextEncoder().encode(text), time: 5_000, eof };
}

const text = (c: LogChunk): string => new TextDecoder().decode(c.data);

describe('Dispatcher.requestLogs', () => {
  it('asks the node running the task and yields its chunks until eof', async () => {
    const h = await start();
    const iterator = h.dispatcher.requestLogs('t1', { tail: 10, since: 1_000 })[Symbol.asyncIterator]();
    const first = iterator.next();
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    expect(request).toEqual({ requestId: 'req-1', taskId: 't1', tail: 10, since: 1_000, follow: false });

    h.link.sendLogChunk(chunk(request, 'hello\n'));
    h.link.sendLogChunk(chunk(request, 'oops\n', false, 'stderr'));
    h.link.sendLogChunk(chunk(request, 'bye\n', true));
    const got: LogChunk[] = [(await first).value as LogChunk];
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      got.push(next.value);
    }
    expect(got.map((c) => [c.stream, text(c), c.eof])).toEqual([
      ['stdout', 'hello\n', false],
      ['stderr', 'oops\n', false],
      ['stdout', 'bye\n', true],
    ]);
    expect(got[0]).toMatchObject({ requestId: 'req-1', taskId: 't1', time: 5_000 });
    expect(h.cancels).toEqual([]); // it ended on its own: nothing to cancel
  });

  it('sends LogCancel when the signal aborts, and ends without an error', async () => {
    const h = await start();
    const controller = new AbortController();
    const got: string[] = [];
    const reading = (async () => {
      for await (const c of h.dispatcher.requestLogs('t1', { follow: true }, controller.signal)) {
        got.push(text(c));
        controller.abort();
      }
    })();
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    expect(request.follow).toBe(true);
    h.link.sendLogChunk(chunk(request, 'line 1\n'));
    await reading;
    expect(got).toEqual(['line 1\n']);
    await eventually(() => h.cancels.includes(request.requestId), 'the LogCancel');
    expect(h.link.connected).toBe(true); // so the cancel came from the dispatcher, not a dropped stream
  });

  it('sends LogCancel when the reader leaves the loop early', async () => {
    const h = await start();
    const reading = (async () => {
      for await (const c of h.dispatcher.requestLogs('t1', { follow: true })) return text(c);
      return undefined;
    })();
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    h.link.sendLogChunk(chunk(request, 'only this\n'));
    expect(await reading).toBe('only this\n');
    await eventually(() => h.cancels.includes(request.requestId), 'the LogCancel');
    expect(h.link.connected).toBe(true);
  });

  it('ends with the agent’s error code on a LogFailure', async () => {
    const h = await start();
    const reading = drain(h.dispatcher.requestLogs('t1'));
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    h.link.sendLogFailure({ requestId: request.requestId, taskId: 't1', code: 'NOT_FOUND', message: 'no container for t1' });
    await expect(reading).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'no container for t1' });
  });

  it('ends with UNAVAILABLE when the node’s stream goes away mid-follow', async () => {
    const h = await start();
    // Settled into a value at once: the rejection comes while the test awaits the link's close.
    const outcome = drain(h.dispatcher.requestLogs('t1', { follow: true })).then(
      (lines) => ({ lines }),
      (error: unknown) => ({ error }),
    );
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    h.link.sendLogChunk(chunk(request, 'a\n'));
    await h.link.close();
    const result = await outcome;
    expect('error' in result && isBerthError(result.error, 'UNAVAILABLE')).toBe(true);
    expect('error' in result && (result.error as Error).message).toMatch(/stream of node n1 went away/);
  });

  it.each([
    ['an unknown task', 'nope', 'NOT_FOUND'],
    ['a task without a node', 't3', 'NOT_FOUND'],
    ['a task on a node that is not connected', 't2', 'UNAVAILABLE'],
  ])('refuses %s with %s', async (_name, taskId, code) => {
    const h = await start();
    await expect(drain(h.dispatcher.requestLogs(taskId))).rejects.toMatchObject({ code });
    expect(h.requests).toEqual([]);
  });

  it('sends nothing when the signal is aborted before reading starts', async () => {
    const h = await start();
    const controller = new AbortController();
    controller.abort();
    expect(await drain(h.dispatcher.requestLogs('t1', {}, controller.signal))).toEqual([]);
    // A later request gets the next id: the aborted one never took one.
    const reading = drain(h.dispatcher.requestLogs('t1'));
    const request = await eventually(() => h.requests[0], 'the LogRequest');
    expect(request.requestId).toBe('req-1');
    h.link.sendLogChunk(chunk(request, '', true));
    expect(await reading).toEqual(['']);
  });
});

async function drain(iterable: AsyncIterable<LogChunk>): Promise<string[]> {
  const out: string[] = [];
  for await (const c of iterable) out.push(text(c));
  return out;
}
