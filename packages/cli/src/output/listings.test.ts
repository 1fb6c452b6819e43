import { describe, expect, it } from 'vitest';
import { formatBytes } from './byte-size.js';
import { stackRow } from './stack-listing.js';

describe('formatBytes', () => {
  it.each([
    [0, '0 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [512 * 1024 ** 2, '512 MiB'],
    [16 * 1024 ** 3 - 1, '16 GiB'],
    [1.25 * 1024 ** 3, '1.3 GiB'],
    [-1, '?'],
    [Number.NaN, '?'],
  ])('%d → %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});

describe('stackRow', () => {
  it('shows running/desired tasks', () => {
    expect(stackRow({ name: 'hello', services: 2, tasksDesired: 3, tasksRunning: 1, revision: 7 })).toEqual(['hello', '2', '1/3']);
  });
});
