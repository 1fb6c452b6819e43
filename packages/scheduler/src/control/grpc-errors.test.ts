import { describe, expect, it } from 'vitest';
import { Metadata, status } from '@grpc/grpc-js';
import { BerthError } from '@berth/api';
import { ERROR_CODE_KEY, fromStatusError, toStatusError } from './grpc-errors.js';

describe('BerthError over gRPC status', () => {
  it('keeps code, message and context across the edge', () => {
    const sent = toStatusError(new BerthError('STACK_INVALID', 'bad stack: ünïcode', { context: { problems: [{ path: 'a', message: 'b' }] } }));
    expect(sent.code).toBe(status.INVALID_ARGUMENT);
    const back = fromStatusError(sent, 'unix:///x.sock');
    expect(back.code).toBe('STACK_INVALID');
    expect(back.message).toBe('bad stack: ünïcode');
    expect(back.context).toEqual({ problems: [{ path: 'a', message: 'b' }] });
  });

  it('maps each berth code to a fitting gRPC code', () => {
    expect(toStatusError(new BerthError('NOT_FOUND', 'x')).code).toBe(status.NOT_FOUND);
    expect(toStatusError(new BerthError('CONFLICT', 'x')).code).toBe(status.FAILED_PRECONDITION);
    expect(toStatusError(new BerthError('UNAVAILABLE', 'x')).code).toBe(status.UNAVAILABLE);
  });

  it('turns anything else into INTERNAL without losing the message', () => {
    const sent = toStatusError(new TypeError('boom'));
    expect(sent.code).toBe(status.INTERNAL);
    expect(fromStatusError(sent, 'x')).toMatchObject({ code: 'INTERNAL', message: 'internal error in the scheduler: boom' });
  });

  it('describes transport failures in terms of the address dialled', () => {
    const unreachable = fromStatusError({ code: status.UNAVAILABLE, details: 'No connection established' }, 'unix:///run/berth.sock');
    expect(unreachable.code).toBe('UNAVAILABLE');
    expect(unreachable.message).toBe('cannot reach the berth scheduler at unix:///run/berth.sock (is it running?): No connection established');
    expect(fromStatusError({ code: status.DEADLINE_EXCEEDED, details: 'Deadline exceeded' }, 'tcp://h:1').message).toContain('did not answer in time');
  });

  it('ignores a code it does not know and falls back on the gRPC code', () => {
    const metadata = new Metadata();
    metadata.set(ERROR_CODE_KEY, 'MADE_UP');
    expect(fromStatusError({ code: status.NOT_FOUND, details: 'gone', metadata }, 'x')).toMatchObject({ code: 'NOT_FOUND', message: 'gone' });
  });
});
