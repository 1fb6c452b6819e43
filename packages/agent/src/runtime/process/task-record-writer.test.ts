import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readTaskRecord, type TaskRecord } from './task-record.js';
import { TaskRecordWriter } from './task-record-writer.js';

const RECORD: TaskRecord = {
  pid: 100,
  startTime: 200,
  ref: { taskId: 't', stack: 's', service: 'a', slot: 1, nodeId: 'n1' },
  argv: ['sleep', '1'],
  cwd: '/',
  startedAt: 1,
  restarts: 0,
};

describe('TaskRecordWriter', () => {
  const dir = mkdtempSync(join(tmpdir(), 'berth-writer-'));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('applies concurrent updates one after another, none lost', async () => {
    const path = join(dir, 'a.json');
    const writer = new TaskRecordWriter();
    await writer.write(path, RECORD);
    const updates = Array.from({ length: 20 }, () =>
      writer.update(path, RECORD, (r) => ({ ...r, restarts: r.restarts + 1 })),
    );
    expect(await Promise.all(updates)).toEqual(Array.from({ length: 20 }, () => true));
    expect((await readTaskRecord(path))?.restarts).toBe(20);
  });

  it('leaves a record that names another process alone', async () => {
    const path = join(dir, 'b.json');
    const writer = new TaskRecordWriter();
    const newer = { ...RECORD, pid: 101 };
    void writer.write(path, newer);
    // Queued after the write, so it sees the newer process's record and must not touch it.
    expect(await writer.update(path, RECORD, (r) => ({ ...r, restarts: 9 }))).toBe(false);
    await writer.idle(path);
    expect(await readTaskRecord(path)).toEqual(newer);
  });

  it('resolves false instead of rejecting when the file cannot be written', async () => {
    const writer = new TaskRecordWriter();
    const path = join(dir, 'missing-dir', 'c.json');
    await expect(writer.write(path, RECORD)).rejects.toThrow();
    expect(await writer.update(path, RECORD, (r) => r)).toBe(false);
  });
});
