/**
 * `berth logs [SERVICE…]`: a stack's task output, each line behind its task's colored
 * `web-1 | ` prefix. With --follow it keeps streaming (including tasks that start later) until
 * Ctrl-C, which ends it with status 130.
 */
import type { Command } from 'commander';
import { BerthError } from '@berth/api/domain';
import { connectionFlags, withStackOptions } from '../client/command-options.js';
import { parseSince } from '../client/durations.js';
import { followStackLogs } from '../client/follow-stack-logs.js';
import { Interrupts } from '../client/interrupts.js';
import { logWriter } from '../client/log-writer.js';
import { openControl } from '../client/open-control.js';
import { stackTarget } from '../client/stack-target.js';
import { ExitStatus } from '../exit-status.js';
import { onBrokenPipe } from '../output/broken-pipe.js';
import { colorsOn } from '../output/stream-kind.js';
import type { Terminal } from '../output/terminal.js';

interface LogsOptions {
  projectName?: string;
  file?: string[];
  follow?: boolean;
  tail?: string;
  since?: string;
  prefix: boolean;
}

/** Registers `logs`; the action sets the exit status through `done`. */
export function registerLogs(program: Command, term: Terminal, done: (status: number) => void): void {
  withStackOptions(program.command('logs').description("print a stack's task output"), false)
    .argument('[service...]', 'only these services (default: all)')
    .option('-f, --follow', 'keep printing new output until Ctrl-C')
    .option('--tail <n>', 'only the last n lines of each task')
    .option('--since <when>', 'only output since a duration ago (10m, 1h30m), a date-time or Unix seconds')
    .option('--no-prefix', 'print lines without the `service-1 | ` prefix')
    .action(async (services: string[], opts: LogsOptions, command: Command) => {
      const tail = opts.tail === undefined ? undefined : parseTail(opts.tail);
      const since = opts.since === undefined ? undefined : parseSince(opts.since, Date.now());
      const stack = stackTarget(opts, { term, env: process.env, cwd: process.cwd() });
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      const write = logWriter(term.out, { prefix: opts.prefix, color: colorsOn(term, term.out), services });
      const query = {
        stack,
        ...(services.length > 0 ? { services } : {}),
        ...(tail !== undefined ? { tail } : {}),
        ...(since !== undefined ? { since } : {}),
      };
      const stop = new AbortController();
      const interrupts = opts.follow === true ? new Interrupts() : undefined;
      void interrupts?.first.then(() => stop.abort());
      const unwatch = onBrokenPipe(term.out, () => stop.abort());
      try {
        if (opts.follow === true) {
          await followStackLogs(client, { ...query, write, warn: (m) => term.err.write(`berth: ${m}\n`), signal: stop.signal });
        } else {
          for await (const line of client.logs({ ...query, follow: false }, stop.signal)) write(line);
        }
      } finally {
        unwatch();
        interrupts?.dispose();
        client.close();
      }
      done(interrupts !== undefined && interrupts.count > 0 ? ExitStatus.INTERRUPTED : ExitStatus.OK);
    });
}

/** `--tail N`; `all` (what `docker logs` takes for everything) means no tail. */
function parseTail(value: string): number | undefined {
  if (value === 'all') return undefined;
  // The wire field is a uint32.
  if (!/^\d+$/.test(value) || Number(value) > 0xffff_ffff) throw new BerthError('USAGE', `--tail must be a number of lines or "all" (got "${value}")`);
  return Number(value);
}
