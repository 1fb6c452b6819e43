import { describe, expect, it } from 'vitest';
import { TASK_ID_LENGTH, taskIdGenerator } from './task-ids.js';

const SHAPE = /^[0-9a-hjkmnp-tv-z]{12}$/;

describe('taskIdGenerator', () => {
  it('makes 12-character lowercase base32 ids that sort by creation time', () => {
    let t = 1_700_000_000_000;
    const next = taskIdGenerator({ now: () => t, random: () => 0.99 });
    const ids: string[] = [];
    for (let i = 0; i < 50; i++) {
      ids.push(next());
      t += 7;
    }
    expect(TASK_ID_LENGTH).toBe(12);
    for (const id of ids) expect(id).toMatch(SHAPE);
    expect([...ids].sort()).toEqual(ids);
  });

  it('stays unique and ordered when many ids share one millisecond, borrowing the next ms when the sequence runs out', () => {
    const next = taskIdGenerator({ now: () => 1_700_000_000_000, random: () => 0.5 });
    const ids = Array.from({ length: 40_000 }, () => next());
    expect(new Set(ids).size).toBe(ids.length);
    expect([...ids].sort()).toEqual(ids);
    // 40,000 ids cannot fit in one ms's 32,768 sequence values: the time part moved on.
    expect(new Set(ids.map((id) => id.slice(0, 9))).size).toBeGreaterThan(1);
  });

  it('never goes backwards when the clock does', () => {
    const times = [5_000, 4_000, 4_000, 6_000];
    const next = taskIdGenerator({ now: () => times.shift() ?? 6_000, random: () => 0 });
    const ids = [next(), next(), next(), next()];
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(4);
  });

  it('starts each millisecond at a random point, so two generators rarely collide', () => {
    const a = taskIdGenerator({ now: () => 1_000, random: () => 0.1 });
    const b = taskIdGenerator({ now: () => 1_000, random: () => 0.4 });
    expect(a()).not.toBe(b());
  });
});
