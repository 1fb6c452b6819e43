import { describe, expect, it } from 'vitest';
import { FakeClock } from './fake-clock.js';

describe('FakeClock', () => {
  it('fires due timers in time order (ties in the order set), each at its own time', async () => {
    const clock = new FakeClock(0);
    const fired: [string, number][] = [];
    clock.setTimeout(() => fired.push(['b', clock.now()]), 20);
    clock.setTimeout(() => fired.push(['a', clock.now()]), 10);
    clock.setTimeout(() => fired.push(['a2', clock.now()]), 10);
    clock.setTimeout(() => fired.push(['late', clock.now()]), 31);
    await clock.advance(30);
    expect(fired).toEqual([['a', 10], ['a2', 10], ['b', 20]]);
    expect(clock.now()).toBe(30);
    expect(clock.nextTimerAt()).toBe(31);
  });

  it('runs timers set by timers, and promise work they start, within the same advance', async () => {
    const clock = new FakeClock(0);
    const seen: number[] = [];
    const tick = (): void => {
      seen.push(clock.now());
      void Promise.resolve().then(() => clock.setTimeout(tick, 10));
    };
    clock.setTimeout(tick, 10);
    await clock.advance(35);
    expect(seen).toEqual([10, 20, 30]);
  });

  it('cancelled timers do not fire', async () => {
    const clock = new FakeClock(0);
    let fired = false;
    const timer = clock.setTimeout(() => (fired = true), 5);
    clock.clearTimeout(timer);
    await clock.advance(10);
    expect(fired).toBe(false);
    expect(clock.pendingTimers).toBe(0);
  });
});
