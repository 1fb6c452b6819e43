/** `berth scale web=3 worker=0`: sets replica counts of a deployed stack's services. */
import type { Command } from 'commander';
import { connectionFlags, withStackOptions } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { parseScaleTargets } from '../client/scale-targets.js';
import { stackTarget } from '../client/stack-target.js';
import { ExitStatus } from '../exit-status.js';
import { changeLines } from '../output/deploy-changes.js';
import { colorsOn } from '../output/stream-kind.js';
import type { Terminal } from '../output/terminal.js';

interface ScaleOptions {
  projectName?: string;
  file?: string[];
}

/** Registers `scale`; the action sets the exit status through `done`. */
export function registerScale(program: Command, term: Terminal, done: (status: number) => void): void {
  withStackOptions(program.command('scale').description("set the number of replicas of a stack's services"))
    .argument('<service=replicas...>', 'services and their new replica counts, e.g. web=3 worker=0')
    .action(async (operands: string[], opts: ScaleOptions, command: Command) => {
      // Parsed before anything else: a typo is a usage error, not a round trip.
      const targets = parseScaleTargets(operands);
      const stack = stackTarget(opts, { term, env: process.env, cwd: process.cwd() });
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      try {
        const changes = await client.scale(stack, targets);
        for (const line of changeLines(changes, colorsOn(term, term.out))) term.out.write(line + '\n');
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
}
