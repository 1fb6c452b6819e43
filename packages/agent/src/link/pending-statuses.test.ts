import type { TaskStatus } from '@berth/api';
import { describe, expect, it } from 'vitest';
import { PendingStatuses } from './pending-statuses.js';

const status = (taskId: string, state: TaskStatus['state'], restarts = 0): TaskStatus => ({
  taskId,
  state,
  health: 'none',
  message: '',
  restarts,
  stateTimes: {},
  ports: [],
});

describe('PendingStatuses', () => {
  it('keeps the latest status per task, ordered by last change', () => {
    const pending = new PendingStatuses();
    pending.add([status('a', 'starting'), status('b', 'preparing')]);
    pending.add([status('a', 'running')]);
    pending.add([status('c', 'failed'), status('b', 'running', 1)]);
    expect(pending.size).toBe(3);
    expect(pending.take()).toEqual([status('a', 'running'), status('c', 'failed'), status('b', 'running', 1)]);
  });

  it('is empty after take', () => {
    const pending = new PendingStatuses();
    pending.add([status('a', 'running')]);
    pending.take();
    expect(pending.size).toBe(0);
    expect(pending.take()).toEqual([]);
  });
});
