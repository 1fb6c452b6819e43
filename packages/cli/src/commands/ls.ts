/** `berth ls`: the deployed stacks, with services and running/desired tasks. */
import type { Command } from 'commander';
import { connectionFlags, parseFormat } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import { STACK_COLUMNS, stackRow } from '../output/stack-listing.js';
import { renderTable } from '../output/table.js';
import type { Terminal } from '../output/terminal.js';

interface LsOptions {
  format: string;
}

/** Registers `ls`; the action sets the exit status through `done`. */
export function registerLs(program: Command, term: Terminal, done: (status: number) => void): void {
  program.command('ls').description('list the deployed stacks')
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: LsOptions, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      try {
        const stacks = await client.listStacks();
        term.out.write(format === 'json' ? JSON.stringify(stacks, null, 2) + '\n' : renderTable(STACK_COLUMNS, stacks.map(stackRow)).join('\n') + '\n');
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
}
