import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { formatHandleId, parseHandleId } from './handle-id.js';

describe('handle ids', () => {
  it.each([
    ['1:0', { pid: 1, startTime: 0 }],
    ['4242:134446', { pid: 4242, startTime: 134446 }],
  ])('%s round-trips', (id, identity) => {
    expect(parseHandleId(id)).toEqual(identity);
    expect(formatHandleId(identity)).toBe(id);
  });

  it.each([[''], ['42'], ['0:1'], ['-1:5'], ['a:b'], ['1:2:3'], ['abcdef0123']])(
    'rejects %j with NOT_FOUND',
    (id) => {
      let caught: unknown;
      try {
        parseHandleId(id);
      } catch (e) {
        caught = e;
      }
      expect(isBerthError(caught, 'NOT_FOUND')).toBe(true);
    },
  );
});
