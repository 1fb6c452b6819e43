import { Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { engineSince, parseContainerEvent } from './docker-events.js';
import { LineSplitter, readJsonLines } from './json-lines.js';

const id = 'a'.repeat(64);
const line = (action: string, attributes: Record<string, string> = {}, timeNano = '1704067200123456789'): string =>
  `{"status":"${action}","id":"${id}","Type":"container","Action":"${action}","Actor":{"ID":"${id}","Attributes":${JSON.stringify(
    attributes,
  )}},"scope":"local","time":1704067200,"timeNano":${timeNano}}`;

describe('parseContainerEvent', () => {
  it('keeps every digit of timeNano', () => {
    const event = parseContainerEvent(line('start', { name: 'web', 'io.berth.task': 't1' }));
    expect(event).toEqual({
      kind: 'start',
      containerId: id,
      timeNano: 1704067200123456789n,
      time: 1704067200123,
      attributes: { name: 'web', 'io.berth.task': 't1' },
    });
  });

  it.each<[string, string, Record<string, unknown>]>([
    ['die with its exit code', line('die', { exitCode: '137' }), { kind: 'die', exitCode: 137 }],
    ['die without one', line('die'), { kind: 'die' }],
    ['health', line('health_status: unhealthy'), { kind: 'health', health: 'unhealthy' }],
    ['health starting', line('health_status: starting'), { kind: 'health', health: 'starting' }],
  ])('%s', (_, text, expected) => {
    expect(parseContainerEvent(text)).toMatchObject(expected);
  });

  it.each<[string, string]>([
    ['another action', line('create')],
    ['another type', line('start').replace('"Type":"container"', '"Type":"network"')],
    ['not JSON', '{"Type":'],
    ['not an object', '42'],
    ['no actor', '{"Type":"container","Action":"start"}'],
  ])('ignores %s', (_, text) => {
    expect(parseContainerEvent(text)).toBeUndefined();
  });

  it('falls back to whole seconds without timeNano', () => {
    const text = line('start').replace(/,"timeNano":\d+/, '');
    expect(parseContainerEvent(text)?.timeNano).toBe(1704067200000000000n);
  });
});

describe('engineSince', () => {
  it.each<[number, string]>([
    [1704067200123, '1704067200.123000000'],
    [1704067200000, '1704067200.000000000'],
    [5, '0.005000000'],
  ])('%i → %s', (ms, expected) => {
    expect(engineSince(ms)).toBe(expected);
  });
});

describe('json lines', () => {
  it('splits lines across chunks and skips blank ones', () => {
    const splitter = new LineSplitter();
    expect(splitter.push('{"a":1}\n{"b"')).toEqual(['{"a":1}']);
    expect(splitter.push(':2}\n\n{"c":3}')).toEqual(['{"b":2}']);
    expect(splitter.end()).toEqual(['{"c":3}']);
    expect(splitter.end()).toEqual([]);
  });

  it('reads a byte stream, skipping lines that are not JSON, keeping split UTF-8 intact', async () => {
    const bytes = Buffer.from('{"s":"é"}\nnot json\n{"n":2}');
    const chunks = [bytes.subarray(0, 7), bytes.subarray(7)];
    const values = [];
    for await (const v of readJsonLines(Readable.from(chunks))) values.push(v);
    expect(values).toEqual([{ s: 'é' }, { n: 2 }]);
  });
});
