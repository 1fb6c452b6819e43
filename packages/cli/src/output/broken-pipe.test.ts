import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { onBrokenPipe } from './broken-pipe.js';

const epipe = (): NodeJS.ErrnoException => Object.assign(new Error('write EPIPE'), { code: 'EPIPE' });

describe('onBrokenPipe', () => {
  it('calls back once on EPIPE and swallows the error', () => {
    const stream = new PassThrough();
    let calls = 0;
    onBrokenPipe(stream, () => calls++);
    stream.emit('error', epipe());
    stream.emit('error', epipe());
    expect(calls).toBe(1);
  });

  it('does not call back after stop, nor for other errors', () => {
    const stream = new PassThrough();
    let calls = 0;
    const stop = onBrokenPipe(stream, () => calls++);
    stream.emit('error', Object.assign(new Error('nope'), { code: 'EIO' }));
    stop();
    stream.emit('error', epipe());
    expect(calls).toBe(0);
  });
});
