import { describe, expect, it } from 'vitest';
import { parseDuration, parseSince, parseTimeoutSeconds } from './durations.js';

describe('parseTimeoutSeconds', () => {
  it.each([
    ['60', 60_000],
    ['0', 0],
    ['1.5', 1500],
    [' 2 ', 2000],
  ])('%j → %i ms', (value, ms) => {
    expect(parseTimeoutSeconds(value)).toBe(ms);
  });

  it.each(['', '-1', '1s', 'ten', 'NaN', 'Infinity'])('rejects %j', (value) => {
    expect(() => parseTimeoutSeconds(value)).toThrow(/--timeout must be a number of seconds/);
  });
});

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['10m', 600_000],
    ['1h30m', 5_400_000],
    ['250ms', 250],
    ['2d', 172_800_000],
    ['1.5s', 1500],
    ['10', undefined],
    ['10x', undefined],
    ['m10', undefined],
    ['', undefined],
  ])('%j → %j', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });
});

describe('parseSince', () => {
  const now = Date.parse('2025-06-01T12:00:00Z');
  it.each([
    ['10m', now - 600_000],
    ['1h', now - 3_600_000],
    ['2025-06-01T11:00:00Z', Date.parse('2025-06-01T11:00:00Z')],
    ['1717243200', 1_717_243_200_000],
  ])('%j → %i', (value, expected) => {
    expect(parseSince(value, now)).toBe(expected);
  });

  it.each(['yesterday', 'May', '10x', '2025-13-45'])('rejects %j as a usage error', (value) => {
    expect(() => parseSince(value, now)).toThrow(/--since must be/);
  });
});
