/**
 * Entry point of the berth CLI: parses argv, runs one command and returns the exit status.
 * Errors are printed as one line (`berth: message`); stack traces only with --debug.
 */
import { Command, CommanderError } from 'commander';
import { isBerthError } from '@berth/api/domain';
import { withConnectionOptions } from './client/command-options.js';
import { registerAgent } from './commands/agent.js';
import { registerCert } from './commands/cert.js';
import { registerConfig } from './commands/config.js';
import { registerContext } from './commands/context.js';
import { registerDaemon } from './commands/daemon.js';
import { registerScheduler } from './commands/scheduler.js';
import { registerDown } from './commands/down.js';
import { registerEvents } from './commands/events.js';
import { registerLogs } from './commands/logs.js';
import { registerLs } from './commands/ls.js';
import { registerNode } from './commands/node.js';
import { registerNodes } from './commands/nodes.js';
import { registerPs } from './commands/ps.js';
import { registerScale } from './commands/scale.js';
import { registerToken } from './commands/token.js';
import { registerUp } from './commands/up.js';
import { ExitStatus, exitStatusFor } from './exit-status.js';
import { processTerminal, type Terminal } from './output/terminal.js';

/** berth's version, printed by `berth --version`. */
export const VERSION = '0.1.0';

/** Runs the CLI with `argv` (without node and script) and resolves to the exit status. */
export async function main(argv: string[], term: Terminal = processTerminal()): Promise<number> {
  let status: number = ExitStatus.OK;
  const done = (s: number): void => {
    status = s;
  };
  const debug = argv.includes('--debug');
  const program = new Command('berth')
    .description('berth runs Compose stack files on one machine or a small cluster')
    .version(VERSION)
    .option('--debug', 'print stack traces for errors')
    .showHelpAfterError('(run berth --help for usage)')
    .exitOverride()
    .configureOutput({
      writeOut: (s) => term.out.write(s),
      writeErr: (s) => term.err.write(s),
    });
  // Global: before or after the command name; each command's --help lists them too.
  withConnectionOptions(program).configureHelp({ showGlobalOptions: true });
  registerUp(program, term, done);
  registerDown(program, term, done);
  registerPs(program, term, done);
  registerLs(program, term, done);
  registerLogs(program, term, done);
  registerScale(program, term, done);
  registerEvents(program, term, done);
  registerNodes(program, term, done);
  registerNode(program, term, done);
  registerToken(program, term, done);
  registerCert(program, term, done);
  registerContext(program, term, done);
  registerConfig(program, term, done);
  registerAgent(program, term, done);
  registerScheduler(program, term, done);
  registerDaemon(program, term, done);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (e) {
    if (e instanceof CommanderError) {
      // --help and --version end through here with exit code 0.
      return e.exitCode === 0 ? ExitStatus.OK : ExitStatus.USAGE;
    }
    return report(term, e, debug);
  }
}

function report(term: Terminal, e: unknown, debug: boolean): number {
  if (isBerthError(e)) {
    term.err.write(`berth: ${e.message}\n`);
    if (debug && e.stack) term.err.write(e.stack + '\n');
    return exitStatusFor(e.code);
  }
  const err = e instanceof Error ? e : new Error(String(e));
  term.err.write(`berth: internal error: ${err.message}\n`);
  term.err.write(debug && err.stack ? err.stack + '\n' : 'run again with --debug for details\n');
  return ExitStatus.INTERNAL;
}
