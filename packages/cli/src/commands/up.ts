/**
 * `berth up`: loads the stack files, deploys the stack (starting the local daemon if none
 * answers and no host is given), then, as `docker compose up` does: with -d returns at once
 * (with --wait, once every task is running and healthy, or fails with the reasons per task);
 * without -d shows progress, then the logs until Ctrl-C, which removes the stack.
 */
import type { Command } from 'commander';
import { attachStack } from '../client/attach-stack.js';
import { connectionFlags } from '../client/command-options.js';
import { parseTimeoutSeconds } from '../client/durations.js';
import { openControl } from '../client/open-control.js';
import { outdatedTaskIds } from '../client/outdated-tasks.js';
import { serviceExpectations } from '../client/service-expectations.js';
import { listStackTasks } from '../client/stack-tasks.js';
import { watchStack } from '../client/watch-stack.js';
import { ExitStatus } from '../exit-status.js';
import { changeLines } from '../output/deploy-changes.js';
import { notReadyLines } from '../output/not-ready-report.js';
import { ProgressDisplay } from '../output/progress-display.js';
import { colorsOn } from '../output/stream-kind.js';
import type { Terminal } from '../output/terminal.js';
import { loadStackFiles } from '../load-stack-files.js';
import { collect } from './options.js';

interface UpOptions {
  file?: string[];
  projectName?: string;
  profile?: string[];
  envFile?: string[];
  detach?: boolean;
  wait?: boolean;
  timeout: string;
}

/** Registers `up`; the action sets the exit status through `done`. */
export function registerUp(program: Command, term: Terminal, done: (status: number) => void): void {
  program.command('up').description('deploy a stack and keep it running')
    .option('-f, --file <file>', 'stack file (repeat to merge overrides, as Compose does)', collect)
    .option('-p, --project-name <name>', 'stack name (default: top-level name:, else the directory name)')
    .option('--profile <profile>', 'enable a profile (repeatable)', collect)
    .option('--env-file <file>', 'variables file instead of the .env beside the stack file (repeatable)', collect)
    .option('-d, --detach', 'deploy and return instead of following the logs')
    .option('--wait', 'return once every task is running and healthy; fail with the reasons if one cannot be (implies -d)')
    .option('--timeout <seconds>', 'how long --wait waits (and attached up shows progress before the logs)', '60')
    .action(async (opts: UpOptions, command: Command) => {
      const timeoutMs = parseTimeoutSeconds(opts.timeout);
      const stack = loadStackFiles(opts, term);
      // An invalid stack never reaches (or starts) the daemon.
      if (stack === undefined) {
        done(ExitStatus.FAILED);
        return;
      }
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: true, log: (l) => term.err.write(l + '\n') });
      try {
        // Listed before the deploy, to tell the tasks it replaces from the new ones.
        const before = opts.wait === true || opts.detach !== true ? await listStackTasks(client, stack.name) : [];
        const deployed = await client.deploy(stack);
        const outdated = outdatedTaskIds(before, deployed.changes);
        const color = colorsOn(term, term.out);
        for (const line of changeLines(deployed.changes, color)) term.out.write(line + '\n');
        const services = serviceExpectations(stack);
        if (opts.wait !== true && opts.detach === true) {
          done(ExitStatus.OK);
          return;
        }
        if (opts.wait !== true) {
          done(await attachStack(client, { stack: stack.name, services, outdated, term, progressTimeoutMs: timeoutMs }));
          return;
        }
        const display = new ProgressDisplay(term.out, color);
        const watched = await watchStack(client, {
          stack: stack.name,
          services,
          outdated,
          show: (entries) => display.show(entries),
          until: (_tasks, decision) => decision.outcome !== 'pending',
          timeoutMs,
        }).finally(() => display.finish());
        if (watched.decision.outcome === 'done') {
          done(ExitStatus.OK);
          return;
        }
        const headline =
          watched.decision.outcome === 'failed'
            ? `berth: stack ${stack.name} cannot become ready:`
            : `berth: stack ${stack.name} was not ready within ${timeoutMs / 1000} s:`;
        for (const line of notReadyLines(headline, watched.decision.notReady)) term.err.write(line + '\n');
        done(ExitStatus.FAILED);
      } finally {
        client.close();
      }
    });
}
