/**
 * `berth token` prints the worker join token alone on stdout, so that
 * `berth agent --join HOST:PORT --token "$(berth token)"` works; `berth token rotate` replaces it
 * and says on stderr that the old one no longer works (agents that already joined keep their
 * certificates; only new joins need the new token).
 */
import type { Command } from 'commander';
import { connectionFlags } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';

/** Registers `token` and `token rotate`; the actions set the exit status through `done`. */
export function registerToken(program: Command, term: Terminal, done: (status: number) => void): void {
  const token = program
    .command('token')
    .description('print the worker join token (agents join with `berth agent --join HOST:PORT --token TOKEN`)')
    .action(async (_opts: unknown, command: Command) => {
      await printToken(command, term, false);
      done(ExitStatus.OK);
    });
  token
    .command('rotate')
    .description('replace the join token; the old one stops working (joined agents are not affected)')
    .action(async (_opts: unknown, command: Command) => {
      await printToken(command, term, true);
      done(ExitStatus.OK);
    });
}

async function printToken(command: Command, term: Terminal, rotate: boolean): Promise<void> {
  const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
  try {
    const view = await client.joinToken({ rotate });
    term.out.write(view.token + '\n');
    if (rotate) term.err.write('the join token was rotated: the previous token no longer works; agents that already joined are not affected\n');
  } finally {
    client.close();
  }
}
