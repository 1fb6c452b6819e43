/**
 * A container's output as LogEntries: the engine's logs API with timestamps on, demultiplexed
 * into stdout/stderr, one entry per line. Following ends when the container's log ends
 * (container removed) or the caller's signal aborts.
 */
import type Docker from 'dockerode';
import type { LogEntry, LogOptions } from '../runtime.js';
import { toBerthError } from './docker-errors.js';
import { StreamFrameDecoder, decodeStreamFrames, type StreamFrame } from './stream-frames.js';

/** An RFC 3339 timestamp (as the engine prints with `timestamps=1`) and the space after it. */
const TIMESTAMP_PREFIX = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:\d{2})) /;

/** Reads the logs of `container` per `options`. */
export async function* containerLogs(container: Docker.Container, options: LogOptions, where: string): AsyncGenerator<LogEntry> {
  const { signal } = options;
  if (signal?.aborted) return;
  const query = {
    stdout: true,
    stderr: true,
    timestamps: true,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    // The engine takes `seconds.fraction`; milliseconds keep their precision this way.
    ...(options.since !== undefined ? { since: (options.since / 1000).toFixed(3) } : {}),
    ...(signal ? { abortSignal: signal } : {}),
  };
  const doing = `reading logs of container ${container.id.slice(0, 12)}`;
  try {
    if (!options.follow) {
      const payload = await container.logs({ ...query, follow: false });
      for (const frame of decodeStreamFrames(toBuffer(payload))) yield* frameEntries(frame);
      return;
    }
    const stream = await container.logs({ ...query, follow: true });
    const decoder = new StreamFrameDecoder();
    try {
      for await (const chunk of stream) {
        for (const frame of decoder.push(toBuffer(chunk))) yield* frameEntries(frame);
      }
    } finally {
      // Also reached when the consumer stops early: close the engine's long-lived response.
      (stream as { destroy?: () => void }).destroy?.();
    }
  } catch (err) {
    // The abort tears the request down; that is the caller asking to stop, not a failure.
    if (signal?.aborted) return;
    throw toBerthError(err, doing, where);
  }
}

/** One frame → one entry per line, with the engine's timestamp taken off into `time`. */
export function frameEntries(frame: StreamFrame): LogEntry[] {
  const text = frame.payload.toString('utf8');
  const lines = text.endsWith('\n') ? text.slice(0, -1).split('\n') : text.split('\n');
  return lines.map((line): LogEntry => {
    const match = TIMESTAMP_PREFIX.exec(line);
    const time = match?.[1] ? Date.parse(match[1]) : Number.NaN;
    if (!match || Number.isNaN(time)) return { stream: frame.stream, text: line };
    return { stream: frame.stream, time, text: line.slice(match[0].length) };
  });
}

function toBuffer(data: unknown): Buffer {
  if (Buffer.isBuffer(data)) return data;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.from(data as Uint8Array);
}
