/** Runs the real `berth` binary (packages/cli/bin/berth.js) and captures its output. */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { REPO_ROOT } from './shared.js';

/** Exit status and output of one berth run. */
export interface BerthRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs berth with `args` in `cwd`; NO_COLOR keeps output plain for assertions. */
export function runBerth(args: string[], options: { cwd?: string; env?: Record<string, string> } = {}): BerthRun {
  const r = spawnSync(process.execPath, [path.join(REPO_ROOT, 'packages/cli/bin/berth.js'), ...args], {
    cwd: options.cwd ?? REPO_ROOT,
    env: { PATH: process.env['PATH'] ?? '', HOME: process.env['HOME'] ?? '/root', NO_COLOR: '1', ...options.env },
    encoding: 'utf8',
    timeout: 20_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
