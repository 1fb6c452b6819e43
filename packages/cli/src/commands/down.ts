/**
 * `berth down`: removes a stack (its services' tasks stop, as `docker compose down` stops its
 * containers) and waits, bounded, until its tasks are gone. The stack is named by -p, else by
 * the stack files, which are loaded only to learn the name. Removing a stack that is not
 * deployed is not an error: there is nothing left to do, as with Compose.
 */
import type { Command } from 'commander';
import { connectionFlags, withStackOptions } from '../client/command-options.js';
import { parseTimeoutSeconds } from '../client/durations.js';
import { openControl } from '../client/open-control.js';
import { removeStack } from '../client/remove-stack.js';
import { stackTarget } from '../client/stack-target.js';
import { ExitStatus } from '../exit-status.js';
import { changeLines } from '../output/deploy-changes.js';
import { colorsOn } from '../output/stream-kind.js';
import { taskName } from '../output/task-name.js';
import type { Terminal } from '../output/terminal.js';

interface DownOptions {
  projectName?: string;
  file?: string[];
  volumes?: boolean;
  timeout?: string;
}

/** Registers `down`; the action sets the exit status through `done`. */
export function registerDown(program: Command, term: Terminal, done: (status: number) => void): void {
  withStackOptions(program.command('down').description('stop and remove a stack'))
    .option('-v, --volumes', 'also remove the named volumes the stack declares')
    .option('-t, --timeout <seconds>', "how long tasks get to stop before they are killed (default: each service's stop_grace_period)")
    .action(async (opts: DownOptions, command: Command) => {
      const timeoutMs = opts.timeout === undefined ? undefined : parseTimeoutSeconds(opts.timeout);
      const stack = stackTarget(opts, { term, env: process.env, cwd: process.cwd() });
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      try {
        const outcome = await removeStack(client, stack, { removeVolumes: opts.volumes === true, ...(timeoutMs !== undefined ? { timeoutMs } : {}) });
        if (!outcome.deployed) {
          term.err.write(`berth: stack ${stack} is not deployed; nothing to remove\n`);
          done(ExitStatus.OK);
          return;
        }
        const changes = outcome.removedServices.map((service) => ({ service, kind: 'removed' as const, changedFields: [] }));
        for (const line of changeLines(changes, colorsOn(term, term.out))) term.out.write(line + '\n');
        if (outcome.stillRunning.length > 0) {
          const n = outcome.stillRunning.length;
          const names = outcome.stillRunning.map((t) => `${taskName(t)} (${t.state})`).join(', ');
          term.err.write(`berth: stack ${stack} was removed but ${n} task${n === 1 ? ' has' : 's have'} not stopped yet: ${names}; the scheduler keeps stopping them\n`);
          done(ExitStatus.FAILED);
          return;
        }
        term.out.write(`stack ${stack} removed${opts.volumes === true ? ' with its volumes' : ''}\n`);
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
}
