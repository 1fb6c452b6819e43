import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fakeTaskDescriptor } from '../runtime/fake/fake-task.js';
import { emptyPersistedTasks, type PersistedTasks } from './persisted-tasks.js';
import { TaskStateStore } from './task-state-store.js';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'berth-store-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const record = (revision: number, restarts = 0): PersistedTasks => ({
  ...emptyPersistedTasks(),
  revision,
  tasks: [{ task: fakeTaskDescriptor('t1'), desiredState: 'run', restarts }],
});

describe('TaskStateStore', () => {
  it('round-trips the record through <dataDir>/tasks.json and leaves no temp file', async () => {
    const store = new TaskStateStore(join(dir, 'data'));
    await store.save(record(3, 7));
    expect(store.path).toBe(join(dir, 'data', 'tasks.json'));
    expect(readdirSync(join(dir, 'data'))).toEqual(['tasks.json']);
    const loaded = await new TaskStateStore(join(dir, 'data')).load();
    expect(loaded).toEqual({ tasks: record(3, 7) });
  });

  it('coalesces saves made while a write runs: the newest state is what stays', async () => {
    const store = new TaskStateStore(dir);
    const saves = [1, 2, 3, 4, 5].map((n) => store.save(record(n)));
    await Promise.all(saves);
    expect((await store.load()).tasks.revision).toBe(5);
    expect(JSON.parse(readFileSync(store.path, 'utf8')).revision).toBe(5);
  });

  it('an absent file is an empty record without a problem', async () => {
    expect(await new TaskStateStore(dir).load()).toEqual({ tasks: emptyPersistedTasks() });
  });

  it('a broken or foreign file is ignored with a problem; malformed entries alone are dropped', async () => {
    const store = new TaskStateStore(dir);
    writeFileSync(store.path, '{"version": 1, "tasks": [');
    const broken = await store.load();
    expect(broken.tasks).toEqual(emptyPersistedTasks());
    expect(broken.problem).toMatch(/^ignoring .*tasks\.json: /);

    writeFileSync(store.path, JSON.stringify({ version: 99, tasks: [] }));
    expect((await store.load()).problem).toContain('unsupported version 99');

    writeFileSync(store.path, JSON.stringify({ ...record(2), tasks: [...record(2).tasks, { task: {}, desiredState: 'run' }] }));
    const partial = await store.load();
    expect(partial.tasks.tasks).toHaveLength(1);
    expect(partial.problem).toContain('ignored 1 malformed task entry');
  });
});
