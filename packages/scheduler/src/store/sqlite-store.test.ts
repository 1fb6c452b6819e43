// What only the SQLite store does: survive a reopen, batch its writes, lock its data dir,
// check the schema version. (The behaviour it shares is in state-store.test.ts; the kill -9
// test is in sqlite-store-crash.test.ts.)
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { isBerthError } from '@berth/api';
import { SCHEMA_VERSION, STATE_DB_FILE } from './sqlite-schema.js';
import { SqliteStateStore, type SqliteStateStoreOptions } from './sqlite-store.js';
import type { StateStore } from './state-store.js';
import { sampleNode, sampleStack, sampleStatus, sampleTask, writeSampleState } from './store.fixture.js';

const temps: string[] = [];
const stores: SqliteStateStore[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const store of stores.splice(0)) store.close();
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'berth-sqlite-store-'));
  temps.push(dir);
  return dir;
}

function open(dataDir: string, options: Partial<SqliteStateStoreOptions> = {}): SqliteStateStore {
  const store = SqliteStateStore.open({ dataDir, now: () => 42_000, ...options });
  stores.push(store);
  return store;
}

const byId = <T extends { id: string }>(list: T[]): T[] => [...list].sort((a, b) => a.id.localeCompare(b.id));

/** Everything a store holds, in a comparable form (list orders are unspecified). */
function dump(store: StateStore): unknown {
  const tasks = byId(store.tasks());
  const nodeIds = [...new Set(tasks.flatMap((t) => (t.nodeId === undefined ? [] : [t.nodeId])))].sort();
  return {
    revision: store.revision,
    stacks: [...store.stacks()].sort((a, b) => a.name.localeCompare(b.name)),
    nodes: byId(store.nodes()),
    tasks,
    taskCount: store.taskCount,
    onNode: nodeIds.map((id) => [id, byId(store.tasksOnNode(id)).map((t) => t.id)]),
    ofService: [
      ['shop', 'web'],
      ['shop', 'db'],
      ['blog', 'app'],
    ].map(([stack, service]) => byId(store.tasksOfService(stack!, service!)).map((t) => t.id)),
    ofStack: ['shop', 'blog'].map((stack) => byId(store.tasksOfStack(stack)).map((t) => t.id)),
  };
}

/** Lets pending timers and immediates run (the store's batch window is 0 in these tests). */
const nextTurn = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('SqliteStateStore', () => {
  it('reopens with exactly the state it was closed with', () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    writeSampleState(first, 300);
    const before = dump(first);
    first.close();

    const second = open(dataDir);
    expect(dump(second)).toEqual(before);
    expect(second.task('t3')).not.toHaveProperty('nodeId');
    // The reopened store carries on from the same revision.
    expect(second.putNode(sampleNode('n7')).revision).toBe(first.revision + 1);
  });

  it('writes in the background, without a flush, after the batch window', async () => {
    const dataDir = tempDir();
    const store = open(dataDir, { batchWindowMs: 0 });
    store.putStack(sampleStack('shop', ['web']));
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    expect(store.writeStats().revision).toBe(0);
    await nextTurn();
    expect(store.writeStats()).toEqual({ batches: 1, rows: 2, revision: 2 });
    // close() finds nothing left to write, so the reopened state is the background write's.
    store.close();
    expect(store.writeStats().batches).toBe(1);
    const reopened = open(dataDir);
    expect(reopened.task('a')?.nodeId).toBe('n1');
    expect(reopened.stack('shop')?.revision).toBe(1);
  });

  it('writes every mutation of one event-loop turn in one SQLite transaction', async () => {
    const store = open(tempDir(), { batchWindowMs: 0 });
    store.transaction((tx) => {
      for (let i = 0; i < 5_000; i++) tx.putTask(sampleTask(`t${i}`, 'shop', 'web', i + 1, 'n1'));
    });
    store.flush();
    const before = store.writeStats();
    for (let i = 0; i < 5_000; i++) store.setTaskStatus(sampleStatus(`t${i}`, 'running', 1));
    store.putNode(sampleNode('n1'));
    expect(store.revision).toBe(before.revision + 5_001);
    expect(store.writeStats()).toEqual(before);
    await nextTurn();
    expect(store.writeStats()).toEqual({ batches: before.batches + 1, rows: before.rows + 5_001, revision: before.revision + 5_001 });
  });

  it('merges repeated updates of one record into one row write', () => {
    const dataDir = tempDir();
    const store = open(dataDir, { batchWindowMs: 0 });
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    store.flush();
    const before = store.writeStats();
    for (let restarts = 1; restarts <= 1_000; restarts++) store.setTaskStatus(sampleStatus('a', 'running', restarts));
    store.flush();
    expect(store.writeStats()).toEqual({ batches: before.batches + 1, rows: before.rows + 1, revision: before.revision + 1_000 });
    store.close();
    expect(open(dataDir).task('a')?.status.restarts).toBe(1_000);
  });

  it('rewrites the whole row when a batch changes more of a task than its status', () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    store.putTask(sampleTask('b', 'shop', 'web', 2, 'n1'));
    store.flush();
    store.setTaskStatus(sampleStatus('a', 'running', 1));
    store.updateTask('a', { nodeId: 'n2', desired: 'stop' });
    store.setTaskStatus(sampleStatus('a', 'stopped', 2));
    store.updateTask('b', { nodeId: undefined, pendingReason: 'node n1 down' });
    store.setTaskStatus(sampleStatus('b', 'lost', 3));
    const before = [store.task('a'), store.task('b')];
    store.close();
    const reopened = open(dataDir);
    expect([reopened.task('a'), reopened.task('b')]).toEqual(before);
    expect(reopened.tasksOnNode('n2').map((t) => t.id)).toEqual(['a']);
  });

  it('collects the writes of a whole batch window, across event-loop turns', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    const store = open(tempDir(), { batchWindowMs: 20 });
    for (let turn = 0; turn < 5; turn++) {
      store.putTask(sampleTask(`t${turn}`, 'shop', 'web', turn + 1));
      await vi.advanceTimersByTimeAsync(3);
    }
    expect(store.writeStats().batches).toBe(0);
    await vi.advanceTimersByTimeAsync(20);
    expect(store.writeStats()).toEqual({ batches: 1, rows: 5, revision: 5 });
  });

  it('keeps a batch that failed to write, reports it, and retries it', async () => {
    const dataDir = tempDir();
    open(dataDir).close();
    // A trigger stands in for a failing disk: writing node "bad" aborts the whole batch.
    const db = new Database(join(dataDir, STATE_DB_FILE));
    db.exec("CREATE TRIGGER refuse BEFORE INSERT ON nodes WHEN NEW.id = 'bad' BEGIN SELECT RAISE(ABORT, 'disk says no'); END");
    db.close();

    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    const errors: unknown[] = [];
    const store = open(dataDir, { batchWindowMs: 5, onWriteError: (e) => errors.push(e) });
    store.putNode(sampleNode('good'));
    store.putNode(sampleNode('bad'));
    await vi.advanceTimersByTimeAsync(5);
    expect(errors.map((e) => (e as Error).message)).toEqual(['disk says no']);
    expect(store.writeStats()).toEqual({ batches: 0, rows: 0, revision: 0 });

    // The retry waits a second, not another window, and takes what was written meanwhile.
    store.removeNode('bad');
    await vi.advanceTimersByTimeAsync(5);
    expect(store.writeStats().batches).toBe(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(errors).toHaveLength(1);
    expect(store.writeStats()).toEqual({ batches: 1, rows: 1, revision: 3 });

    // An explicit flush throws instead, and keeps the batch for later.
    store.putNode(sampleNode('bad'));
    expect(() => store.flush()).toThrow('disk says no');
    expect(store.writeStats().revision).toBe(3);
    store.removeNode('bad');
    vi.useRealTimers();
    store.close();
    expect(store.writeStats()).toMatchObject({ batches: 2, revision: 5 });
    expect(open(dataDir).nodes().map((n) => n.id)).toEqual(['good']);
  });

  it('writes a backlog one batch of whole transactions per event-loop turn; flush writes it all at once', async () => {
    const dataDir = tempDir();
    const store = open(dataDir, { batchWindowMs: 0, maxBatchRows: 5 });
    // Transactions of three tasks each: a batch is closed once it holds 5 records, so
    // transactions 1-2, 3-4 and 5-6 make one batch each.
    const write = (from: number, to: number): void => {
      for (let tx = from; tx <= to; tx++) {
        store.transaction((t) => {
          for (let i = 1; i <= 3; i++) t.putTask(sampleTask(`t${tx}-${i}`, 'shop', 'web', i));
        });
      }
    };
    write(1, 4);
    await nextTurn();
    expect(store.writeStats()).toEqual({ batches: 1, rows: 6, revision: 2 });
    await nextTurn();
    expect(store.writeStats()).toEqual({ batches: 2, rows: 12, revision: 4 });

    write(5, 8);
    store.flush();
    expect(store.writeStats()).toEqual({ batches: 3, rows: 24, revision: 8 });
    store.close();
    expect(open(dataDir).taskCount).toBe(24);
  });

  it('does not write an empty batch', () => {
    const store = open(tempDir());
    store.flush();
    store.putNode(sampleNode('n1'));
    store.flush();
    store.flush();
    expect(store.writeStats()).toEqual({ batches: 1, rows: 1, revision: 1 });
  });

  it('lets only one store at a time open a data dir', () => {
    const dataDir = tempDir();
    const first = open(dataDir);
    first.putNode(sampleNode('n1'));
    let error: unknown;
    try {
      open(dataDir);
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'CONFLICT')).toBe(true);
    first.close();
    expect(open(dataDir).node('n1')).toBeDefined();
  });

  it('creates the schema at the current version and refuses a newer one', () => {
    const dataDir = tempDir();
    open(dataDir).close();
    const db = new Database(join(dataDir, STATE_DB_FILE));
    expect(db.pragma('user_version', { simple: true })).toBe(SCHEMA_VERSION);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    expect(db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").pluck().all()).toEqual([
      'meta',
      'nodes',
      'stacks',
      'tasks',
    ]);
    db.pragma(`user_version = ${SCHEMA_VERSION + 1}`);
    db.close();
    let error: unknown;
    try {
      open(dataDir);
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'CONFLICT')).toBe(true);
    expect((error as Error).message).toMatch(/schema version/);
  });

  it('keeps specs and statuses as JSON a human can query', () => {
    const dataDir = tempDir();
    const store = open(dataDir);
    store.putStack(sampleStack('shop', ['web']));
    store.putTask(sampleTask('a', 'shop', 'web', 1, 'n1'));
    store.setTaskStatus(sampleStatus('a', 'failed', 2));
    store.close();
    const db = new Database(join(dataDir, STATE_DB_FILE), { readonly: true });
    try {
      expect(db.prepare("SELECT json_extract(status, '$.state') AS state, node_id FROM tasks WHERE id = 'a'").get()).toEqual({
        state: 'failed',
        node_id: 'n1',
      });
      expect(db.prepare("SELECT json_extract(spec, '$.services.web.image') FROM stacks").pluck().get()).toBe('registry.local/web:1');
    } finally {
      db.close();
    }
  });
});
