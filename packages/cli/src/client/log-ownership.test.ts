import { describe, expect, it } from 'vitest';
import type { LogLine } from './control-api.js';
import { LogOwnership } from './log-ownership.js';
import { taskView } from './task-view.fixture.js';

const line = (taskId: string, text: string, stream: LogLine['stream'] = 'stdout'): LogLine => ({ service: 'web', slot: 1, taskId, stream, text, time: 0 });

describe('LogOwnership', () => {
  it('prints each task from the first stream that delivers it, and from no other', () => {
    const o = new LogOwnership();
    o.observe(taskView('web', 1, { id: 'a' }), true);
    expect(o.take(line('a', '1'), 0, 'any', true)).toBe(true);
    expect(o.take(line('a', '1'), 1, new Set(['b']), true)).toBe(false);
    expect(o.take(line('b', 'x'), 1, new Set(['b']), true)).toBe(false); // never polled, not accepted by id
    o.observe(taskView('web', 2, { id: 'b' }), true);
    expect(o.take(line('b', 'x'), 1, new Set(['b']), true)).toBe(true);
    expect(o.take(line('b', 'x'), 0, 'any', true)).toBe(false);
  });

  it('reports new and restarted tasks, a restart only once it runs again', () => {
    const o = new LogOwnership();
    expect(o.observe(taskView('web', 1, { id: 'a' }), true)).toBe('new');
    expect(o.observe(taskView('web', 1, { id: 'a' }), true)).toBeUndefined();
    expect(o.observe(taskView('web', 1, { id: 'a', restarts: 1, state: 'failed' }), true)).toBeUndefined();
    expect(o.observe(taskView('web', 1, { id: 'a', restarts: 1 }), true)).toBe('restarted');
    expect(o.observe(taskView('web', 1, { id: 'a', restarts: 1 }), true)).toBeUndefined();
  });

  it('learns the restart count of a task first met in the first stream without reporting it', () => {
    const o = new LogOwnership();
    expect(o.take(line('a', '1'), 0, 'any', true)).toBe(true);
    expect(o.observe(taskView('web', 1, { id: 'a', restarts: 3 }), true)).toBeUndefined();
    expect(o.observe(taskView('web', 1, { id: 'a', restarts: 4 }), true)).toBe('restarted');
  });

  it('makes a re-opened stream skip exactly the lines already printed, per output stream', () => {
    const o = new LogOwnership();
    const task = taskView('web', 1, { id: 'a' });
    o.observe(task, true);
    for (const l of [line('a', 'o1'), line('a', 'e1', 'stderr'), line('a', 'o2')]) o.take(l, 0, 'any', true);
    const restarted = { ...task, restarts: 1 };
    expect(o.observe(restarted, true)).toBe('restarted');
    expect(o.reattach(restarted, 1)).toEqual({ task: restarted, newOnly: false });
    // The old stream no longer prints this task.
    expect(o.take(line('a', 'late'), 0, 'any', true)).toBe(false);
    const replay = [line('a', 'o1'), line('a', 'o2'), line('a', 'o3'), line('a', 'e1', 'stderr'), line('a', 'e2', 'stderr')];
    expect(replay.filter((l) => o.take(l, 1, new Set(['a']), true)).map((l) => l.text)).toEqual(['o3', 'e2']);
  });

  it('asks for new output only when printing did not start at the log start', () => {
    const o = new LogOwnership();
    const task = taskView('web', 1, { id: 'a' });
    o.observe(task, false);
    o.take(line('a', 'o9'), 0, 'any', false);
    const restarted = { ...task, restarts: 1 };
    o.observe(restarted, false);
    expect(o.reattach(restarted, 1).newOnly).toBe(true);
    expect(o.take(line('a', 'o10'), 1, new Set(['a']), false)).toBe(true);
  });
});
