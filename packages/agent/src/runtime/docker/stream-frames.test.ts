import { describe, expect, it } from 'vitest';
import { frameEntries } from './container-logs.js';
import { StreamFrameDecoder, decodeStreamFrames } from './stream-frames.js';

/** One engine frame: type byte, three zeros, big-endian length, payload. */
function frame(type: number, text: string): Buffer {
  const payload = Buffer.from(text, 'utf8');
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(payload.length, 4);
  return Buffer.concat([header, payload]);
}

const simplify = (frames: { stream: string; payload: Buffer }[]): [string, string][] =>
  frames.map((f) => [f.stream, f.payload.toString('utf8')]);

describe('StreamFrameDecoder', () => {
  const both = Buffer.concat([frame(1, 'out\n'), frame(2, 'err\n'), frame(0, 'in'), frame(3, 'engine')]);

  it('decodes whole frames, stdin as stdout and system errors as stderr', () => {
    expect(simplify(decodeStreamFrames(both))).toEqual([
      ['stdout', 'out\n'],
      ['stderr', 'err\n'],
      ['stdout', 'in'],
      ['stderr', 'engine'],
    ]);
  });

  it.each([1, 3, 7, 8, 9, 13])('reassembles frames split every %i bytes', (step) => {
    const decoder = new StreamFrameDecoder();
    const out = [];
    for (let i = 0; i < both.length; i += step) out.push(...decoder.push(both.subarray(i, i + step)));
    expect(simplify(out)).toEqual(simplify(decodeStreamFrames(both)));
    expect(decoder.pendingBytes).toBe(0);
  });

  it('keeps an unfinished frame pending', () => {
    const decoder = new StreamFrameDecoder();
    expect(decoder.push(frame(1, 'abcdef').subarray(0, 10))).toEqual([]);
    expect(decoder.pendingBytes).toBe(10);
  });

  it('handles an empty payload', () => {
    expect(simplify(decodeStreamFrames(frame(1, '')))).toEqual([['stdout', '']]);
  });
});

describe('frameEntries', () => {
  it.each<[string, string, { text: string; time?: number }[]]>([
    ['a timestamped line', '2024-01-01T00:00:00.123456789Z hello\n', [{ text: 'hello', time: 1704067200123 }]],
    ['a line without newline', '2024-01-01T00:00:01Z partial', [{ text: 'partial', time: 1704067201000 }]],
    ['no timestamp', 'plain\n', [{ text: 'plain' }]],
    ['two lines in one frame', '2024-01-01T00:00:00Z a\n2024-01-01T00:00:02Z b\n', [{ text: 'a', time: 1704067200000 }, { text: 'b', time: 1704067202000 }]],
    ['an empty line', '2024-01-01T00:00:00Z \n', [{ text: '', time: 1704067200000 }]],
  ])('%s', (_, text, expected) => {
    const entries = frameEntries({ stream: 'stderr', payload: Buffer.from(text) });
    expect(entries).toEqual(expected.map((e) => ({ stream: 'stderr', ...e })));
  });
});
