/** `berth events`: what happens to a stack (or the whole cluster), one line per event, until Ctrl-C. */
import type { Command } from 'commander';
import { connectionFlags, parseFormat, withStackOptions } from '../client/command-options.js';
import { Interrupts } from '../client/interrupts.js';
import { openControl } from '../client/open-control.js';
import { optionalStackTarget } from '../client/stack-target.js';
import { ExitStatus } from '../exit-status.js';
import { eventJson, eventLine } from '../output/event-line.js';
import { onBrokenPipe } from '../output/broken-pipe.js';
import type { Terminal } from '../output/terminal.js';

interface EventsOptions {
  projectName?: string;
  file?: string[];
  format: string;
}

/** Registers `events`; the action sets the exit status through `done`. */
export function registerEvents(program: Command, term: Terminal, done: (status: number) => void): void {
  withStackOptions(program.command('events').description("print a stack's (or all stacks') events as they happen, until Ctrl-C"))
    .option('--format <format>', 'text or json (one object per line)', 'text')
    .action(async (opts: EventsOptions, command: Command) => {
      const format = parseFormat(opts.format, ['text', 'json'] as const);
      const stack = optionalStackTarget(opts, { term, env: process.env, cwd: process.cwd() });
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      const interrupts = new Interrupts();
      const stop = new AbortController();
      void interrupts.first.then(() => stop.abort());
      const unwatch = onBrokenPipe(term.out, () => stop.abort());
      try {
        const filter = stack !== undefined ? { stack } : {};
        for await (const event of client.events(filter, stop.signal)) {
          term.out.write((format === 'json' ? JSON.stringify(eventJson(event)) : eventLine(event)) + '\n');
        }
      } finally {
        unwatch();
        interrupts.dispose();
        client.close();
      }
      if (interrupts.count > 0) done(ExitStatus.INTERRUPTED);
      else if (stop.signal.aborted) done(ExitStatus.OK); // the reader of our output left
      else {
        // The stream only ends by itself when the daemon goes away; say so rather than exit quietly.
        term.err.write('berth: the event stream ended (the daemon stopped?)\n');
        done(ExitStatus.UNAVAILABLE);
      }
    });
}
