import { describe, expect, it } from 'vitest';
import type { TaskState, TaskStatus } from '@berth/api';
import { FakeClock } from '../task/fake-clock.js';
import { StatusBatcher } from './status-batcher.js';

const status = (taskId: string, state: TaskState = 'running'): TaskStatus => ({
  taskId,
  state,
  health: 'none',
  message: '',
  restarts: 0,
  stateTimes: {},
  ports: [],
});

function setup(options = {}) {
  const clock = new FakeClock();
  const batches: TaskStatus[][] = [];
  const batcher = new StatusBatcher(clock, (b) => batches.push(b), options);
  return { clock, batches, batcher };
}

describe('StatusBatcher', () => {
  it('delivers statuses collected within delayMs of the first one as one batch', async () => {
    const { clock, batches, batcher } = setup({ delayMs: 30 });
    batcher.add(status('a'));
    await clock.advance(20);
    batcher.add(status('b'));
    await clock.advance(9);
    expect(batches).toEqual([]);
    await clock.advance(1);
    expect(batches.map((b) => b.map((s) => s.taskId))).toEqual([['a', 'b']]);
    batcher.add(status('c'));
    await clock.advance(30);
    expect(batches.map((b) => b.map((s) => s.taskId))).toEqual([['a', 'b'], ['c']]);
  });

  it('keeps only the latest status of a task within a batch, in first-change order', async () => {
    const { clock, batches, batcher } = setup({ delayMs: 25 });
    batcher.add(status('a', 'starting'));
    batcher.add(status('b', 'starting'));
    batcher.add(status('a', 'running'));
    await clock.advance(25);
    expect(batches).toEqual([[status('a', 'running'), status('b', 'starting')]]);
  });

  it('sends a full batch at once, without waiting', () => {
    const { clock, batches, batcher } = setup({ delayMs: 25, maxSize: 3 });
    for (const id of ['a', 'b', 'c', 'd']) batcher.add(status(id));
    expect(batches.map((b) => b.length)).toEqual([3]);
    expect(batcher.size).toBe(1);
    expect(clock.pendingTimers).toBe(1);
  });

  it('flush delivers at once and cancels the timer; an empty flush delivers nothing', () => {
    const { clock, batches, batcher } = setup();
    batcher.flush();
    batcher.add(status('a'));
    batcher.flush();
    expect(batches).toHaveLength(1);
    expect(clock.pendingTimers).toBe(0);
  });
});
