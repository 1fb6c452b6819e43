/** `berth ps`: the tasks of a stack (or of every stack), as a table or as JSON. */
import type { Command } from 'commander';
import { connectionFlags, parseFormat, withStackOptions } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { listStackTasks } from '../client/stack-tasks.js';
import { optionalStackTarget } from '../client/stack-target.js';
import { ExitStatus } from '../exit-status.js';
import { terminalColumns } from '../output/stream-kind.js';
import { renderTable } from '../output/table.js';
import { sortTasks, taskColumns, taskJson, taskRow } from '../output/task-listing.js';
import type { Terminal } from '../output/terminal.js';

interface PsOptions {
  projectName?: string;
  file?: string[];
  format: string;
}

/** Registers `ps`; the action sets the exit status through `done`. */
export function registerPs(program: Command, term: Terminal, done: (status: number) => void): void {
  withStackOptions(program.command('ps').description("list a stack's tasks (all stacks' when none is named or found)"))
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: PsOptions, command: Command) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      const stack = optionalStackTarget(opts, { term, env: process.env, cwd: process.cwd() });
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      try {
        const tasks = sortTasks(stack === undefined ? await client.listTasks() : await listStackTasks(client, stack));
        if (format === 'json') {
          term.out.write(JSON.stringify(tasks.map(taskJson), null, 2) + '\n');
        } else {
          const withStack = new Set(tasks.map((t) => t.stack)).size > 1;
          const width = terminalColumns(term.out);
          const rows = tasks.map((t) => taskRow(t, withStack));
          term.out.write(renderTable(taskColumns(withStack), rows, width !== undefined ? { width } : {}).join('\n') + '\n');
        }
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
}
