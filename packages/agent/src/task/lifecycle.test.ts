import { describe, expect, it } from 'vitest';
import type { TaskState } from '@berth/api';
import {
  advance,
  beginRun,
  initialLifecycle,
  type AgentTaskState,
  type Lifecycle,
} from './lifecycle.js';

/** A lifecycle sitting in `state` (reached by forward moves from `assigned`). */
function at(state: AgentTaskState): Lifecycle {
  const l = initialLifecycle(0);
  if (state === 'assigned') return l;
  const moved = advance(l, state, 5);
  if (!moved.ok) throw new Error(moved.reason);
  return moved.lifecycle;
}

describe('advance', () => {
  const allowed: [AgentTaskState, TaskState][] = [
    ['assigned', 'preparing'],
    ['assigned', 'starting'],
    ['assigned', 'running'], // adoption of a workload found running
    ['preparing', 'starting'],
    ['preparing', 'failed'], // image missing
    ['starting', 'running'],
    ['starting', 'failed'], // port taken
    ['running', 'exited'],
    ['running', 'failed'],
    ['running', 'stopped'],
    ['exited', 'stopped'], // stopped while waiting out a restart delay
    ['failed', 'stopped'],
    ['assigned', 'stopped'], // stopped before it ever started
  ];
  it.each(allowed)('%s → %s is allowed and records the time', (from, to) => {
    const result = advance(at(from), to, 42);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.lifecycle.state).toBe(to);
    expect(result.lifecycle.stateTimes[to]).toBe(42);
    expect(result.lifecycle.stateTimes.assigned).toBe(0);
  });

  const refused: [AgentTaskState, TaskState][] = [
    ['running', 'running'],
    ['running', 'starting'],
    ['starting', 'preparing'],
    ['exited', 'running'],
    ['exited', 'starting'],
    ['failed', 'preparing'],
    ['exited', 'failed'],
    ['failed', 'exited'],
    ['stopped', 'exited'],
    ['stopped', 'running'],
    ['stopped', 'stopped'],
    ['assigned', 'pending'],
    ['running', 'lost'],
  ];
  it.each(refused)('%s → %s is refused with a reason', (from, to) => {
    const before = at(from);
    const result = advance(before, to, 42);
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.reason).toContain(to);
  });

  it('does not change the value it was given', () => {
    const before = at('running');
    advance(before, 'exited', 99);
    expect(before.state).toBe('running');
    expect(before.stateTimes.exited).toBeUndefined();
  });

  it('marks the run ended on exited, failed and stopped only', () => {
    expect(at('running').ended).toBe(false);
    expect(at('exited').ended).toBe(true);
    expect(at('failed').ended).toBe(true);
    expect(at('stopped').ended).toBe(true);
  });
});

describe('beginRun', () => {
  it('a restart after an exit begins a new run with restarts + 1, where forward moves work again', () => {
    const restarted = beginRun(at('failed'), 'starting', 100);
    expect(restarted.ok).toBe(true);
    if (!restarted.ok) return;
    expect(restarted.lifecycle).toMatchObject({ state: 'starting', restarts: 1, ended: false });
    expect(restarted.lifecycle.stateTimes).toMatchObject({ assigned: 0, starting: 100, failed: 5 });
    const running = advance(restarted.lifecycle, 'running', 110);
    expect(running.ok && running.lifecycle.stateTimes.running).toBe(110);
  });

  it('a user start begins a new run without counting a restart', () => {
    const started = beginRun(at('stopped'), 'preparing', 100, 'user-start');
    expect(started.ok && started.lifecycle.restarts).toBe(0);
  });

  it('carries restarts counted before an adoption', () => {
    const adopted = advance(initialLifecycle(0, 7), 'running', 1);
    if (!adopted.ok) throw new Error(adopted.reason);
    const exited = advance(adopted.lifecycle, 'exited', 2);
    if (!exited.ok) throw new Error(exited.reason);
    const restarted = beginRun(exited.lifecycle, 'starting', 3);
    expect(restarted.ok && restarted.lifecycle.restarts).toBe(8);
  });

  it.each<AgentTaskState>(['assigned', 'preparing', 'starting', 'running'])(
    'is refused while the run has not ended (%s)',
    (state) => {
      const result = beginRun(at(state), 'starting', 100);
      expect(result.ok).toBe(false);
    },
  );
});
