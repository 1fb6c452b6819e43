import { describe, expect, it } from 'vitest';
import type { TaskChange } from '../store/store-events.js';
import type { TaskRecord } from '../store/store-records.js';
import { sampleStatus, sampleTask } from '../store/store.fixture.js';
import { touchedTasks } from './task-changes.js';

function record(nodeId: string | undefined, patch: Partial<TaskRecord> = {}): TaskRecord {
  return { ...sampleTask('t1', 'shop', 'web', 1, nodeId), updatedAt: 1, revision: 1, ...patch };
}

function touched(previous: TaskRecord | undefined, task: TaskRecord | undefined): Record<string, string[]> {
  const change: TaskChange = { id: 't1', task, previous };
  return Object.fromEntries([...touchedTasks([change])].map(([node, ids]) => [node, [...ids]]));
}

describe('touchedTasks', () => {
  it.each<[string, TaskRecord | undefined, TaskRecord | undefined, Record<string, string[]>]>([
    ['new task on a node', undefined, record('n1'), { n1: ['t1'] }],
    ['new pending task', undefined, record(undefined), {}],
    ['new task desired stop', undefined, record('n1', { desired: 'stop' }), {}],
    ['pending task placed', record(undefined), record('n1'), { n1: ['t1'] }],
    ['moved to another node', record('n1'), record('n2'), { n1: ['t1'], n2: ['t1'] }],
    ['taken off its node', record('n1'), record(undefined), { n1: ['t1'] }],
    ['desired run → stop', record('n1'), record('n1', { desired: 'stop' }), { n1: ['t1'] }],
    ['desired stop → run', record('n1', { desired: 'stop' }), record('n1'), { n1: ['t1'] }],
    ['removed', record('n1'), undefined, { n1: ['t1'] }],
    ['removed while desired stop', record('n1', { desired: 'stop' }), undefined, {}],
    ['status report only', record('n1'), record('n1', { status: sampleStatus('t1', 'failed'), revision: 2 }), {}],
    ['pending reason only', record(undefined), record(undefined, { pendingReason: 'waiting' }), {}],
    ['spec hash changed in place', record('n1'), record('n1', { specHash: 'web-g2', generation: 2 }), { n1: ['t1'] }],
    ['slot changed in place', record('n1'), record('n1', { slot: 2 }), { n1: ['t1'] }],
  ])('%s', (_name, previous, task, expected) => {
    expect(touched(previous, task)).toEqual(expected);
  });

  it('gathers several changes and batches into one map', () => {
    const into = touchedTasks([
      { id: 'a', task: { ...record('n1'), id: 'a' }, previous: undefined },
      { id: 'b', task: { ...record('n1'), id: 'b' }, previous: undefined },
    ]);
    touchedTasks([{ id: 'a', task: undefined, previous: { ...record('n1'), id: 'a' } }], into);
    expect([...into.get('n1')!].sort()).toEqual(['a', 'b']);
    expect(into.size).toBe(1);
  });
});
