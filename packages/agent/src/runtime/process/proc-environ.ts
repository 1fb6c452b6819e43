/**
 * What a running process was started with, read back from /proc: after an agent restart the
 * driver no longer has the task's spec, yet health checks must still run with the task's cwd
 * and environment.
 */
import { readFile, readlink } from 'node:fs/promises';

/** Parses `/proc/<pid>/environ` (NUL-separated `NAME=value`); entries without '=' are skipped. */
export function parseEnviron(data: Buffer | string): Record<string, string> {
  const env: Record<string, string> = {};
  for (const entry of data.toString('utf8').split('\0')) {
    const eq = entry.indexOf('=');
    if (eq > 0) env[entry.slice(0, eq)] = entry.slice(eq + 1);
  }
  return env;
}

/** The cwd and initial environment of `pid`; undefined when /proc does not let us read them. */
export async function readProcessLaunchContext(
  pid: number,
): Promise<{ cwd: string; env: Record<string, string> } | undefined> {
  try {
    const [cwd, environ] = await Promise.all([
      readlink(`/proc/${pid}/cwd`),
      readFile(`/proc/${pid}/environ`),
    ]);
    return { cwd, env: parseEnviron(environ) };
  } catch {
    return undefined;
  }
}
