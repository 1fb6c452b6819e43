/** `berth nodes`: the cluster's nodes, their state, capacity and how many tasks run on each. */
import type { Command } from 'commander';
import { parseFormat, withHostOption } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import { NODE_COLUMNS, nodeRow } from '../output/node-listing.js';
import { terminalColumns } from '../output/stream-kind.js';
import { renderTable } from '../output/table.js';
import type { Terminal } from '../output/terminal.js';

interface NodesOptions {
  host?: string;
  format: string;
}

/** Registers `nodes`; the action sets the exit status through `done`. */
export function registerNodes(program: Command, term: Terminal, done: (status: number) => void): void {
  withHostOption(program.command('nodes').description("list the cluster's nodes"))
    .option('--format <format>', 'table or json', 'table')
    .action(async (opts: NodesOptions) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      const client = await openControl({ host: opts.host, env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
      try {
        const nodes = await client.listNodes();
        if (format === 'json') {
          term.out.write(JSON.stringify(nodes, null, 2) + '\n');
        } else {
          const width = terminalColumns(term.out);
          term.out.write(renderTable(NODE_COLUMNS, nodes.map(nodeRow), width !== undefined ? { width } : {}).join('\n') + '\n');
        }
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
}
