import { describe, expect, it } from 'vitest';
import { exitResultFromStatus, parseSignal } from './signal-names.js';

describe('parseSignal', () => {
  it.each([
    ['SIGTERM', 'SIGTERM', 15],
    ['TERM', 'SIGTERM', 15],
    ['sigint', 'SIGINT', 2],
    [' hup ', 'SIGHUP', 1],
    ['SIGKILL', 'SIGKILL', 9],
    ['USR1', 'SIGUSR1', 10],
    ['15', 'SIGTERM', 15],
    [9, 'SIGKILL', 9],
  ] as const)('%s → %s (%i)', (input, name, number) => {
    expect(parseSignal(input)).toEqual({ name, number });
  });

  it.each([['SIGFOO'], ['FOO'], [''], ['999'], ['SIG']])('rejects %j', (input) => {
    expect(parseSignal(input)).toBeUndefined();
  });
});

describe('exitResultFromStatus', () => {
  it.each([
    [0, null, { exitCode: 0 }],
    [3, null, { exitCode: 3 }],
    [null, 'SIGTERM', { exitCode: 143, signal: 'SIGTERM' }],
    [null, 'SIGKILL', { exitCode: 137, signal: 'SIGKILL' }],
    [null, 'SIGINT', { exitCode: 130, signal: 'SIGINT' }],
    [null, null, { exitCode: -1 }],
  ] as const)('(%j, %j) → %j', (code, signal, expected) => {
    const result = exitResultFromStatus(code, signal, 42);
    expect(result).toEqual({ ...expected, oomKilled: false, finishedAt: 42 });
  });
});
