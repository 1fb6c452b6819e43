import { describe, expect, it } from 'vitest';
import { probeArgv } from './exec-probe.js';
import { engineTime, exitResultOf, type EngineContainerState } from './exit-result.js';

const state = (overrides: Partial<EngineContainerState> = {}): EngineContainerState => ({
  Running: false,
  ExitCode: 0,
  OOMKilled: false,
  Error: '',
  StartedAt: '2024-01-01T00:00:00Z',
  FinishedAt: '2024-01-01T00:00:05.5Z',
  ...overrides,
});

describe('exitResultOf', () => {
  it.each<[string, Partial<EngineContainerState>, number | undefined, Record<string, unknown>]>([
    ['a clean exit', {}, undefined, { exitCode: 0, oomKilled: false, finishedAt: 1704067205500 }],
    ['a kill names the signal', { ExitCode: 137 }, undefined, { exitCode: 137, signal: 'SIGKILL' }],
    ['OOM', { ExitCode: 137, OOMKilled: true }, undefined, { oomKilled: true }],
    ["the wait API's code wins", { ExitCode: 0 }, 3, { exitCode: 3 }],
    ['the engine error as message', { ExitCode: 127, Error: 'exec: "nope": not found ' }, undefined, { message: 'exec: "nope": not found' }],
    ['"never" finished: now', { FinishedAt: '0001-01-01T00:00:00Z' }, undefined, { finishedAt: 42 }],
  ])('%s', (_, overrides, waited, expected) => {
    expect(exitResultOf(state(overrides), 42, waited)).toMatchObject(expected);
  });

  it('adds no signal or message for an ordinary failure', () => {
    const result = exitResultOf(state({ ExitCode: 1 }), 0);
    expect(result).not.toHaveProperty('signal');
    expect(result).not.toHaveProperty('message');
  });
});

describe('engineTime', () => {
  it.each<[string | undefined, number | undefined]>([
    ['2024-01-01T00:00:00.123456789Z', 1704067200123],
    ['0001-01-01T00:00:00Z', undefined],
    ['garbage', undefined],
    [undefined, undefined],
  ])('%s', (stamp, expected) => {
    expect(engineTime(stamp)).toBe(expected);
  });
});

describe('probeArgv', () => {
  it.each<[string[], string[]]>([
    [['CMD', 'wget', '-q', 'http://localhost'], ['wget', '-q', 'http://localhost']],
    [['CMD-SHELL', 'test -f /ok || exit 1'], ['/bin/sh', '-c', 'test -f /ok || exit 1']],
  ])('%j', (test, argv) => {
    expect(probeArgv(test)).toEqual(argv);
  });

  it.each([[['NONE']], [['CMD']], [[]], [['echo', 'hi']]])('refuses %j', (test) => {
    expect(() => probeArgv(test)).toThrow(/must be \["CMD"/);
  });
});
