/** `berth config`: loads the stack files and prints the normalized stack, or every error. */
import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';
import { loadStackFiles } from '../load-stack-files.js';
import { collect } from './options.js';

interface ConfigOptions {
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  format: string;
  quiet?: boolean;
}

/** Registers `config` on the program; the action sets the exit status through `done`. */
export function registerConfig(program: Command, term: Terminal, done: (status: number) => void): void {
  program
    .command('config')
    .description('validate the stack files and print the normalized stack')
    .option('-f, --file <file>', 'stack file (repeat to merge overrides, as Compose does)', collect)
    .option('-p, --project-name <name>', 'stack name (default: top-level name:, else the directory name)')
    .option('--profile <profile>', 'enable a profile (repeatable)', collect)
    .option('--env-file <file>', 'variables file instead of the .env beside the stack file (repeatable)', collect)
    .option('--format <format>', 'output format: yaml or json', 'yaml')
    .option('-q, --quiet', 'only validate; print nothing but problems')
    .action((opts: ConfigOptions) => {
      if (opts.format !== 'yaml' && opts.format !== 'json') {
        term.err.write(`berth config: --format must be yaml or json (got "${opts.format}")\n`);
        done(ExitStatus.USAGE);
        return;
      }
      const stack = loadStackFiles(opts, term);
      if (!stack) {
        done(ExitStatus.FAILED);
        return;
      }
      if (!opts.quiet) {
        term.out.write(opts.format === 'json' ? JSON.stringify(stack, null, 2) + '\n' : stringify(stack, { aliasDuplicateObjects: false }));
      }
      done(ExitStatus.OK);
    });
}
