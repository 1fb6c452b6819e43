import { describe, expect, it } from 'vitest';
import type { TaskState } from '@berth/api';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleStack, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { acceptsReport, keepsRunningWhenDisconnected, leaseExpiredMessage, lostStatus, tasksToGiveUp } from './lease-expiry.js';

describe('leaseExpiredMessage', () => {
  it.each([
    [4_000, 'node web-2 silent for 4.0 s: lease expired, its agent stopped the task'],
    [4_049, 'node web-2 silent for 4.0 s: lease expired, its agent stopped the task'],
    [12_360, 'node web-2 silent for 12.4 s: lease expired, its agent stopped the task'],
  ])('%i ms', (silentMs, message) => {
    expect(leaseExpiredMessage('web-2', silentMs)).toBe(message);
  });
});

describe('lostStatus', () => {
  it('turns the last known status lost at `now`, keeping restarts and runtime id', () => {
    const running = { ...sampleStatus('t1', 'running', 3), runtimeId: 'c-1', stateTimes: { running: 100 } };
    expect(lostStatus(running, 'gone', 5_000)).toEqual({ ...running, state: 'lost', message: 'gone', stateTimes: { running: 100, lost: 5_000 } });
    expect(running.state).toBe('running');
  });
});

describe('tasksToGiveUp', () => {
  it('takes the live tasks not lost yet whose service does not keep running', () => {
    const t = (id: string, desired: 'run' | 'stop', state: TaskState, service = 'web') => ({ id, service, desired, status: sampleStatus(id, state) });
    const tasks = [
      t('running', 'run', 'running'),
      t('failed', 'run', 'failed'),
      t('assigned', 'run', 'assigned'),
      t('already-lost', 'run', 'lost'),
      t('told-to-stop', 'stop', 'running'),
      t('keeps-running', 'run', 'running', 'cache'),
    ];
    expect(tasksToGiveUp(tasks, (x) => x.service === 'cache').map((x) => x.id)).toEqual(['running', 'failed', 'assigned']);
  });
});

describe('keepsRunningWhenDisconnected', () => {
  it('reads the service spec of the task’s stack; an unknown stack or service does not keep running', () => {
    const store = new MemoryStateStore();
    const stack = sampleStack('shop', ['web', 'cache']);
    const cache = stack.spec.services['cache']!;
    stack.spec.services['cache'] = { ...cache, berth: { ...cache.berth, keepRunningWhenDisconnected: true } };
    store.putStack(stack);
    expect(keepsRunningWhenDisconnected(store, { stack: 'shop', service: 'cache' })).toBe(true);
    expect(keepsRunningWhenDisconnected(store, { stack: 'shop', service: 'web' })).toBe(false);
    expect(keepsRunningWhenDisconnected(store, { stack: 'shop', service: 'toString' })).toBe(false);
    expect(keepsRunningWhenDisconnected(store, { stack: 'gone', service: 'cache' })).toBe(false);
    store.close();
  });
});

describe('acceptsReport', () => {
  const stored = (state: TaskState, desired: 'run' | 'stop' = 'run') => ({ ...sampleTask('t1', 'shop', 'web', 1, 'n1'), desired, status: sampleStatus('t1', state) });
  it.each<[string, ReturnType<typeof stored> | undefined, string, TaskState, boolean]>([
    ['its task on its node', stored('running'), 'n1', 'exited', true],
    ['a task the store does not know', undefined, 'n1', 'running', false],
    ['a task the store has on another node', stored('running'), 'n2', 'running', false],
    ['a lost task, still desired run: no revival', stored('lost'), 'n1', 'running', false],
    ['a lost task, still desired run, reported stopped', stored('lost'), 'n1', 'stopped', false],
    ['a lost task told to stop, reported running', stored('lost', 'stop'), 'n1', 'running', false],
    ['a lost task told to stop, reported stopped', stored('lost', 'stop'), 'n1', 'stopped', true],
    ['a lost task told to stop, reported exited', stored('lost', 'stop'), 'n1', 'exited', true],
  ])('%s', (_name, task, nodeId, state, accepted) => {
    expect(acceptsReport(task, nodeId, sampleStatus('t1', state))).toBe(accepted);
  });
});
