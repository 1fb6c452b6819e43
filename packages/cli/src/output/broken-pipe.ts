/**
 * `berth logs | head`: when the reader goes away, writes to stdout fail with EPIPE, and an
 * unhandled stream error would crash the CLI with a stack trace. Streaming commands watch for
 * it and end quietly instead.
 */

/** Calls `onBroken` once when writing to `stream` fails with EPIPE; returns a function that stops watching. */
export function onBrokenPipe(stream: NodeJS.WritableStream, onBroken: () => void): () => void {
  let fired = false;
  const listener = (error: NodeJS.ErrnoException): void => {
    // Any write error means the output is gone; only EPIPE (the reader left) ends the command
    // early, and later errors are echoes of the first.
    if (error.code !== 'EPIPE' || fired) return;
    fired = true;
    onBroken();
  };
  stream.on('error', listener);
  // The listener stays after `stop`: a late EPIPE from a buffered write must not crash either.
  return () => {
    fired = true;
  };
}
