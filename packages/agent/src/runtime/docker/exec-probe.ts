/**
 * Health-check commands run inside a container through the exec API: create, start attached,
 * collect the (multiplexed) output, then read the exit code from exec inspect.
 */
import { setTimeout as delay } from 'node:timers/promises';
import type Docker from 'dockerode';
import { BerthError } from '@berth/api';
import type { ExecResult } from '../runtime.js';
import { toBerthError } from './docker-errors.js';
import { StreamFrameDecoder } from './stream-frames.js';

/** Output kept per probe, as the engine keeps for its own health checks. */
export const MAX_PROBE_OUTPUT_BYTES = 4096;

/** Exit code reported for a probe that did not finish in time (the engine's convention too). */
export const TIMED_OUT_EXIT_CODE = -1;

/** `['CMD', ...argv]` → argv; `['CMD-SHELL', script]` → `/bin/sh -c script`. */
export function probeArgv(test: readonly string[]): string[] {
  const [kind, ...rest] = test;
  if (kind === 'CMD' && rest.length > 0) return rest;
  if (kind === 'CMD-SHELL' && rest.length > 0) return ['/bin/sh', '-c', rest.join(' ')];
  throw new BerthError('USAGE', `health check test ${JSON.stringify(test)} must be ["CMD", ...] or ["CMD-SHELL", "script"]`);
}

/**
 * Runs `test` in `container`. A probe still running after `timeoutMs` is reported as timed out
 * and left alone: the exec API has no way to kill it, and the container's own stop or the
 * next restart ends it.
 */
export async function runExecProbe(
  container: Docker.Container,
  test: readonly string[],
  timeoutMs: number,
  where: string,
): Promise<ExecResult> {
  const argv = probeArgv(test);
  const doing = `running health check in container ${container.id.slice(0, 12)}`;
  const deadline = Date.now() + timeoutMs;
  let stream: NodeJS.ReadWriteStream | undefined;
  const timer = new AbortController();
  try {
    const exec = await container.exec({ Cmd: argv, AttachStdout: true, AttachStderr: true, Tty: false });
    stream = await exec.start({ hijack: true, stdin: false });
    const output = collectOutput(stream);
    const expired = delay(Math.max(0, deadline - Date.now()), false, { signal: timer.signal }).catch(() => false);
    const finished = await Promise.race([output.done.then(() => true), expired]);
    if (!finished) return { exitCode: TIMED_OUT_EXIT_CODE, output: output.text(), timedOut: true };
    const exitCode = await exitCodeOf(exec, deadline);
    return exitCode === undefined
      ? { exitCode: TIMED_OUT_EXIT_CODE, output: output.text(), timedOut: true }
      : { exitCode, output: output.text(), timedOut: false };
  } catch (err) {
    throw toBerthError(err, doing, where);
  } finally {
    timer.abort();
    (stream as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

/** Accumulates the first bytes of both streams; `done` settles when the exec's stream ends. */
function collectOutput(stream: NodeJS.ReadableStream): { done: Promise<void>; text: () => string } {
  const decoder = new StreamFrameDecoder();
  const kept: Buffer[] = [];
  let size = 0;
  const done = new Promise<void>((resolve, reject) => {
    stream.on('data', (chunk: Buffer) => {
      for (const frame of decoder.push(chunk)) {
        if (size >= MAX_PROBE_OUTPUT_BYTES) continue;
        const part = frame.payload.subarray(0, MAX_PROBE_OUTPUT_BYTES - size);
        kept.push(part);
        size += part.length;
      }
    });
    stream.once('end', () => resolve());
    stream.once('close', () => resolve());
    stream.once('error', reject);
  });
  return { done, text: () => Buffer.concat(kept).toString('utf8') };
}

/** The exit code once the engine has it; the stream can end a moment before inspect shows it. */
async function exitCodeOf(exec: Docker.Exec, deadline: number): Promise<number | undefined> {
  for (;;) {
    const info = await exec.inspect();
    if (!info.Running && info.ExitCode !== null) return info.ExitCode;
    if (Date.now() >= deadline) return undefined;
    await delay(10);
  }
}
