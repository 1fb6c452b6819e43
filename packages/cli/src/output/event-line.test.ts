import { describe, expect, it } from 'vitest';
import type { BerthEvent } from '../client/control-api.js';
import { eventJson, eventLine } from './event-line.js';

const time = Date.parse('2025-06-01T12:00:00Z');

describe('eventLine', () => {
  it.each<[BerthEvent, string]>([
    [{ time, kind: 'task-state', stack: 'hello', service: 'web', taskId: 't1', nodeId: 'n1', message: 'running' }, '2025-06-01T12:00:00.000Z task-state hello/web task=t1 node=n1: running'],
    [{ time, kind: 'node-state', nodeId: 'n1', message: 'down' }, '2025-06-01T12:00:00.000Z node-state node=n1: down'],
    [{ time, kind: 'deploy', stack: 'hello', message: '' }, '2025-06-01T12:00:00.000Z deploy hello'],
    [{ time, kind: 'scale', stack: 'hello', service: '', message: 'web=3' }, '2025-06-01T12:00:00.000Z scale hello: web=3'],
  ])('%j', (event, line) => {
    expect(eventLine(event)).toBe(line);
  });
});

describe('eventJson', () => {
  it('keeps every key, with absent ids as null and the time as RFC 3339', () => {
    expect(eventJson({ time, kind: 'node-state', nodeId: 'n1', message: 'down' })).toEqual({
      time: '2025-06-01T12:00:00.000Z',
      kind: 'node-state',
      stack: null,
      service: null,
      taskId: null,
      nodeId: 'n1',
      message: 'down',
    });
  });
});
