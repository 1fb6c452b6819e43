import { describe, expect, it } from 'vitest';
import type { ControlClient, TaskView } from './control-api.js';
import { pollTasks } from './poll-tasks.js';
import { taskView } from './task-view.fixture.js';

/** A client whose task list moves through `lists`, then stays on the last. */
function scripted(lists: TaskView[][]): Pick<ControlClient, 'listTasks'> & { calls: () => number; stacks: string[] } {
  let calls = 0;
  const stacks: string[] = [];
  return {
    listTasks: (filter) => {
      stacks.push(filter?.stack ?? '');
      calls++;
      return Promise.resolve(lists[Math.min(calls - 1, lists.length - 1)] ?? []);
    },
    calls: () => calls,
    stacks,
  };
}

describe('pollTasks', () => {
  it('polls the stack until the callback is satisfied', async () => {
    const client = scripted([[], [taskView('web', 1, { state: 'starting' })], [taskView('web', 1)]]);
    const seen: string[] = [];
    const end = await pollTasks(client, 'demo', (tasks) => {
      seen.push(tasks.map((t) => t.state).join(','));
      return tasks.some((t) => t.state === 'running');
    }, { intervalMs: 1 });
    expect(end).toBe('done');
    expect(seen).toEqual(['', 'starting', 'running']);
    expect(client.stacks).toEqual(['demo', 'demo', 'demo']);
  });

  it('ends with timeout once the (fake) clock passes the deadline', async () => {
    let clock = 0;
    const client = scripted([[]]);
    const end = await pollTasks(client, 'demo', () => {
      clock += 400;
      return false;
    }, { intervalMs: 1, timeoutMs: 1000, now: () => clock });
    expect(end).toBe('timeout');
    expect(client.calls()).toBe(3);
  });

  it('ends with aborted when the signal fires, without another poll', async () => {
    const abort = new AbortController();
    const client = scripted([[]]);
    const end = await pollTasks(client, 'demo', () => {
      abort.abort();
      return false;
    }, { signal: abort.signal, intervalMs: 60_000 });
    expect(end).toBe('aborted');
    expect(client.calls()).toBe(1);
  });

  it('passes Control API errors on', async () => {
    const client = { listTasks: () => Promise.reject(new Error('gone')) };
    await expect(pollTasks(client, 'demo', () => false)).rejects.toThrow('gone');
  });
});
