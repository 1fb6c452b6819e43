/**
 * The engine's multiplexed stdout/stderr stream (logs and exec without a TTY): frames of an
 * 8-byte header — stream type, three zero bytes, payload length (uint32 big-endian) — then the
 * payload. Chunks from a socket split frames anywhere, so the decoder keeps what is left over.
 */
import type { LogStream } from '@berth/api';

/** One decoded frame. */
export interface StreamFrame {
  stream: LogStream;
  payload: Buffer;
}

const HEADER_BYTES = 8;

/** Incremental decoder: feed chunks in order, get every frame they complete. */
export class StreamFrameDecoder {
  private buffered: Buffer = Buffer.alloc(0);

  /** Adds a chunk and returns the frames now complete, in order. */
  push(chunk: Buffer): StreamFrame[] {
    this.buffered = this.buffered.length === 0 ? chunk : Buffer.concat([this.buffered, chunk]);
    const frames: StreamFrame[] = [];
    let offset = 0;
    while (this.buffered.length - offset >= HEADER_BYTES) {
      const size = this.buffered.readUInt32BE(offset + 4);
      const end = offset + HEADER_BYTES + size;
      if (this.buffered.length < end) break;
      frames.push({ stream: streamOf(this.buffered[offset] ?? 1), payload: this.buffered.subarray(offset + HEADER_BYTES, end) });
      offset = end;
    }
    this.buffered = this.buffered.subarray(offset);
    return frames;
  }

  /** Bytes of an unfinished frame (non-zero when a stream ended mid-frame). */
  get pendingBytes(): number {
    return this.buffered.length;
  }
}

/** Decodes a complete multiplexed payload (a non-follow logs answer) in one go. */
export function decodeStreamFrames(payload: Buffer): StreamFrame[] {
  return new StreamFrameDecoder().push(payload);
}

/** 0 (stdin, echoed) and 1 are stdout; 2 and 3 (the engine's own errors) are stderr. */
function streamOf(type: number): LogStream {
  return type >= 2 ? 'stderr' : 'stdout';
}
