/**
 * `berth nodes` (and its alias `berth node ls`): the cluster's nodes — state, availability,
 * labels, tasks running of placed, and reserved cpu/memory of each node's capacity.
 */
import type { Command } from 'commander';
import { connectionFlags, parseFormat } from '../client/command-options.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import { NODE_COLUMNS, nodeRow } from '../output/node-listing.js';
import { terminalColumns } from '../output/stream-kind.js';
import { renderTable } from '../output/table.js';
import type { Terminal } from '../output/terminal.js';

interface NodesOptions {
  format: string;
}

/** Adds the listing's options and action to `command` (`nodes`, `node ls`). */
export function nodeListCommand(command: Command, term: Terminal, done: (status: number) => void): Command {
  return command
    .description("list the cluster's nodes")
    .option('--format <format>', 'table or json (the full node views)', 'table')
    .action(async (opts: NodesOptions, cmd: Command) => {
      const format = parseFormat(opts.format, ['table', 'json'] as const);
      const client = await openControl({ ...connectionFlags(cmd), env: process.env, startDaemon: false, log: (l) => term.err.write(l + '\n') });
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

/** Registers `nodes`; the action sets the exit status through `done`. */
export function registerNodes(program: Command, term: Terminal, done: (status: number) => void): void {
  nodeListCommand(program.command('nodes'), term, done);
}
