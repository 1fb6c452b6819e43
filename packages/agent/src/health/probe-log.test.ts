import { describe, expect, it } from 'vitest';
import {
  appendProbe,
  describeProbe,
  MAX_OUTPUT_CHARS,
  PROBE_LOG_SIZE,
  toProbeRecord,
  type ProbeOutcome,
  type ProbeRecord,
} from './probe-log.js';

const outcome = (over: Partial<ProbeOutcome>): ProbeOutcome => ({
  ok: false,
  timedOut: false,
  output: '',
  ...over,
});

describe('toProbeRecord', () => {
  it('trims output, keeps the exit code, and reads a timeout as a failure', () => {
    expect(toProbeRecord(7, outcome({ output: '  refused \n', exitCode: 1 }))).toEqual({
      at: 7,
      ok: false,
      timedOut: false,
      exitCode: 1,
      output: 'refused',
    });
    expect(toProbeRecord(8, outcome({ ok: true, timedOut: true }))).toEqual({
      at: 8,
      ok: false,
      timedOut: true,
      output: '',
    });
  });

  it('caps stored output at 4 KiB of characters', () => {
    const record = toProbeRecord(0, outcome({ output: 'x'.repeat(MAX_OUTPUT_CHARS + 10) }));
    expect(record.output).toHaveLength(MAX_OUTPUT_CHARS);
  });
});

describe('describeProbe', () => {
  const record = (over: Partial<ProbeRecord>): ProbeRecord => ({
    at: 0,
    ok: false,
    timedOut: false,
    output: '',
    ...over,
  });

  it.each<[string, Partial<ProbeRecord>, string]>([
    ['timeout', { timedOut: true, output: 'partial' }, 'timed out after 30000 ms'],
    ['exit code and output', { exitCode: 1, output: 'connection refused' }, 'exit 1: connection refused'],
    ['exit code, no output', { exitCode: 7 }, 'exit 7'],
    ['output only', { output: 'cannot exec' }, 'cannot exec'],
    ['nothing known, failed', {}, 'failed'],
    ['nothing known, ok', { ok: true }, 'ok'],
    ['multi-line output on one line', { exitCode: 1, output: 'a\n  b\tc' }, 'exit 1: a b c'],
  ])('%s', (_name, over, expected) => {
    expect(describeProbe(record(over), 30_000)).toBe(expected);
  });

  it('cuts long output to 200 characters with an ellipsis', () => {
    const said = describeProbe(record({ exitCode: 1, output: 'y'.repeat(500) }), 1);
    expect(said).toBe(`exit 1: ${'y'.repeat(199)}…`);
  });
});

describe('appendProbe', () => {
  it('keeps the newest PROBE_LOG_SIZE records, oldest first, without mutating', () => {
    let log: ProbeRecord[] = [];
    const first = log;
    for (let at = 1; at <= PROBE_LOG_SIZE + 2; at++) {
      log = appendProbe(log, { at, ok: true, timedOut: false, output: '' });
    }
    expect(log.map((r) => r.at)).toEqual([3, 4, 5, 6, 7]);
    expect(first).toEqual([]);
  });
});
