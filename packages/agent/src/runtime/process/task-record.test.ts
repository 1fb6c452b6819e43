import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  listTaskIds,
  parseTaskRecord,
  readTaskRecord,
  taskPaths,
  writeTaskRecord,
  type TaskRecord,
} from './task-record.js';

const RECORD: TaskRecord = {
  pid: 1234,
  startTime: 5678,
  ref: { taskId: 't1', stack: 'web', service: 'api', slot: 1, nodeId: 'n1' },
  argv: ['node', 'app.js'],
  cwd: '/srv',
  startedAt: 1_700_000_000_000,
  restarts: 2,
};

describe('taskPaths', () => {
  it('places files under <dataDir>/tasks/<taskId>', () => {
    expect(taskPaths('/var/lib/berth', 'abc-1')).toEqual({
      dir: '/var/lib/berth/tasks/abc-1',
      record: '/var/lib/berth/tasks/abc-1/process.json',
      stdout: '/var/lib/berth/tasks/abc-1/stdout.log',
      stderr: '/var/lib/berth/tasks/abc-1/stderr.log',
    });
  });

  it.each([[''], ['..'], ['a/b'], ['../etc'], ['.hidden'], ['a..b']])('refuses %j', (id) => {
    expect(() => taskPaths('/d', id)).toThrow(/cannot be used as a directory name/);
  });
});

describe('parseTaskRecord', () => {
  it('accepts a full record', () => {
    expect(parseTaskRecord(RECORD)).toEqual(RECORD);
    expect(parseTaskRecord({ ...RECORD, uid: 1000, gid: 1000 })).toMatchObject({ uid: 1000 });
  });

  it.each([
    ['null', null],
    ['no pid', { ...RECORD, pid: undefined }],
    ['pid 0', { ...RECORD, pid: 0 }],
    ['a string start time', { ...RECORD, startTime: '5678' }],
    ['argv with a number', { ...RECORD, argv: ['node', 1] }],
    ['no ref', { ...RECORD, ref: undefined }],
    ['a ref without a node', { ...RECORD, ref: { ...RECORD.ref, nodeId: undefined } }],
    ['a negative uid', { ...RECORD, uid: -1 }],
  ])('rejects %s', (_label, value) => {
    expect(parseTaskRecord(value)).toBeUndefined();
  });
});

describe('reading and writing', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'berth-record-'));
  afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

  it('round-trips a record, private to the agent, and lists task dirs', async () => {
    const paths = taskPaths(dataDir, 't1');
    await mkdir(paths.dir, { recursive: true });
    await writeTaskRecord(paths.record, RECORD);
    expect(await readTaskRecord(paths.record)).toEqual(RECORD);
    expect(statSync(paths.record).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(paths.record, 'utf8'))).toMatchObject({ pid: 1234 });
    expect(await listTaskIds(dataDir)).toEqual(['t1']);
    expect(await readTaskRecord(join(dataDir, 'missing.json'))).toBeUndefined();
  });
});
