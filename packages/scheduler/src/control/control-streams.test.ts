// Logs and Events through a real grpc-js server on a unix socket.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError, type LogChunk } from '@berth/api';
import type { Task } from '../reconcile/model.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { ControlApi } from './control-api.js';
import { connectControl } from './control-client.js';
import { chunk, noCleanup, serviceSpec, stackSpec, startControl, type ControlHarness } from './control.fixture.js';
import type { LogRequestOptions, RequestLogs } from './log-fan-in.js';
import { serveControl } from './serve-control.js';
import type { BerthEvent, LogLine } from './views.js';

let h: ControlHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

/** Resolves when `predicate` holds, checking every 5 ms for at most `ms`. */
async function until(predicate: () => boolean, ms = 5_000): Promise<void> {
  for (let waited = 0; !predicate(); waited += 5) {
    if (waited >= ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

async function collect<T>(items: AsyncIterable<T>, max = 1_000): Promise<T[]> {
  const out: T[] = [];
  for await (const item of items) {
    out.push(item);
    if (out.length >= max) break;
  }
  return out;
}

async function withLogTasks(requestLogs: RequestLogs): Promise<ControlHarness> {
  h = await startControl({ requestLogs });
  await h.client.deploy(stackSpec('demo', [serviceSpec('web'), serviceSpec('db', {}, { replicas: 1 })]));
  h.store.putNode(sampleNode('n1'));
  h.store.putTask(sampleTask('w1', 'demo', 'web', 1, 'n1'));
  h.store.putTask(sampleTask('w2', 'demo', 'web', 2, 'n1'));
  h.store.putTask(sampleTask('d1', 'demo', 'db', 1, 'n1'));
  h.store.putTask(sampleTask('w3', 'demo', 'web', 3)); // pending: no workload, no log request
  const exited: Task = { ...sampleTask('w0', 'demo', 'web', 1, 'n1'), desired: 'stop', status: { ...sampleStatus('w0', 'exited'), runtimeId: 'ctr-w0' } };
  h.store.putTask(exited); // an old container still has a log
  return h;
}

describe('Logs', () => {
  it('fans in every matching task with a workload and ends when every log ends', async () => {
    const asked: Array<[string, LogRequestOptions]> = [];
    const { client } = await withLogTasks(async function* (taskId, options) {
      asked.push([taskId, options]);
      yield chunk(taskId, `${taskId} one\n${taskId} two`, { time: 1_000 });
      yield chunk(taskId, '\n', { stream: 'stdout', eof: true });
    });
    const lines = await collect(client.logs({ stack: 'demo', services: ['web'], tail: 5, since: 123 }));
    expect(asked.map(([id]) => id).sort()).toEqual(['w0', 'w1', 'w2']);
    expect(asked[0]?.[1]).toEqual({ follow: false, tail: 5, since: 123 });
    expect(lines).toHaveLength(6);
    expect(lines.filter((l) => l.taskId === 'w2')).toEqual<LogLine[]>([
      { service: 'web', taskId: 'w2', slot: 2, stream: 'stdout', text: 'w2 one', time: 1_000 },
      { service: 'web', taskId: 'w2', slot: 2, stream: 'stdout', text: 'w2 two', time: 1_000 },
    ]);
  });

  it('aborts every request when the client stops following', async () => {
    const signals: AbortSignal[] = [];
    const { client } = await withLogTasks(async function* (taskId, _options, signal) {
      signals.push(signal);
      yield chunk(taskId, `${taskId} hello\n`);
      // Follow: nothing more until aborted (bounded, in case the abort never comes).
      await new Promise((resolve) => {
        const timer = setTimeout(resolve, 10_000);
        signal.addEventListener('abort', () => {
          clearTimeout(timer);
          resolve(undefined);
        });
      });
    });
    const controller = new AbortController();
    const lines: LogLine[] = [];
    for await (const line of client.logs({ stack: 'demo', follow: true }, controller.signal)) {
      lines.push(line);
      if (lines.length === 4) controller.abort();
    }
    expect(lines.map((l) => l.text).sort()).toEqual(['d1 hello', 'w0 hello', 'w1 hello', 'w2 hello']);
    await until(() => signals.length === 4 && signals.every((s) => s.aborted));
  });

  it('sends the other lines, then the failure, when one task log fails', async () => {
    const { client } = await withLogTasks(async function* (taskId): AsyncGenerator<LogChunk> {
      if (taskId === 'd1') throw new BerthError('UNAVAILABLE', 'node n1 does not answer');
      yield chunk(taskId, 'ok\n', { eof: true });
    });
    const lines: LogLine[] = [];
    const failure = await (async () => {
      for await (const line of client.logs({ stack: 'demo' })) lines.push(line);
    })().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(lines).toHaveLength(3);
    expect(failure).toMatchObject({ code: 'UNAVAILABLE', message: 'the log of 1 task could not be read: d1: node n1 does not answer' });
  });

  it('is NOT_FOUND for an unknown stack or service', async () => {
    const { client } = await withLogTasks(async function* () {});
    await expect(collect(client.logs({ stack: 'nope' }))).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(collect(client.logs({ stack: 'demo', services: ['nope'] }))).rejects.toMatchObject({ code: 'NOT_FOUND', message: 'stack "demo" has no service "nope"' });
  });
});

describe('Events', () => {
  it('streams a task change written to the store, and a deploy, until cancelled', async () => {
    const store = new MemoryStateStore();
    h = await startControl({ store, now: () => 77_000 });
    const { client } = h;
    const controller = new AbortController();
    const stream = client.events({ stack: 'demo' }, controller.signal);
    await stream.ready; // the server is watching
    const events: BerthEvent[] = [];
    const reading = (async () => {
      for await (const event of stream) {
        events.push(event);
        if (events.length === 2) controller.abort();
      }
    })();
    store.putTask(sampleTask('x1', 'other', 'web', 1, 'n1')); // filtered out
    store.putTask(sampleTask('t1', 'demo', 'web', 1, 'n1'));
    await client.deploy(stackSpec('demo', [serviceSpec('web')]));
    await reading;
    expect(events).toEqual([
      { time: 77_000, kind: 'task-state', stack: 'demo', service: 'web', taskId: 't1', nodeId: 'n1', message: 'running' },
      { time: 77_000, kind: 'deploy', stack: 'demo', message: 'deployed (web)' },
    ]);
    await until(() => store.listenerCount('task-changed') === 0); // the server stopped watching
  });

  it('ends open event streams with UNAVAILABLE when the server closes', async () => {
    h = await startControl();
    const stream = h.client.events();
    await stream.ready;
    const result = collect(stream).then(
      () => 'ended',
      (e: unknown) => e,
    );
    await h.server.close();
    expect(await result).toMatchObject({ code: 'UNAVAILABLE', message: 'the scheduler is shutting down' });
  });

  it('ends the stream of a client that falls too far behind, and stops watching', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'berth-control-events-'));
    const store = new MemoryStateStore();
    const api = new ControlApi({ store, requestLogs: async function* () {}, cleanupStack: noCleanup, maxBufferedEvents: 10 });
    const server = await serveControl({ api, socketPath: join(dir, 'c.sock'), closeGraceMs: 200 });
    const client = connectControl(`unix://${join(dir, 'c.sock')}`);
    try {
      const stream = client.events();
      await stream.ready;
      store.transaction((tx) => {
        for (let i = 0; i < 100; i++) tx.putTask(sampleTask(`t${i}`, 'demo', 'web', i + 1));
      });
      const outcome = await collect(stream).then(
        (events) => ({ events: events.length, error: undefined }),
        (e: unknown) => ({ events: -1, error: e }),
      );
      expect(outcome.error).toMatchObject({ code: 'UNAVAILABLE', message: expect.stringContaining('fell more than 10 events behind') });
      expect(store.listenerCount('task-changed')).toBe(0);
    } finally {
      client.close();
      await server.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
