/** Loads the stack files a command names (`-f`, `-p`, `--profile`, `--env-file`) and prints every problem. */
import { loadStack } from '@berth/stack';
import type { StackSpec } from '@berth/api/domain';
import { printDiagnostics } from './output/print-diagnostics.js';
import type { Terminal } from './output/terminal.js';
import { stackFiles } from './stack-files.js';

/** The stack-file options `config` and `up` share. */
export interface StackFileOptions {
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
}

/** The loaded stack, or undefined when it has errors (all of them printed, with the warnings). */
export function loadStackFiles(opts: StackFileOptions, term: Terminal): StackSpec | undefined {
  const result = loadStack({
    files: stackFiles(opts.file, process.env, process.cwd()),
    ...(opts.projectName !== undefined ? { projectName: opts.projectName } : {}),
    ...(opts.profile !== undefined ? { profiles: opts.profile } : {}),
    ...(opts.envFile !== undefined ? { envFiles: opts.envFile } : {}),
  });
  printDiagnostics(term, result.warnings, result.errors);
  return result.stack;
}
