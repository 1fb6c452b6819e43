/**
 * `berth node update NODE [--label-add k=v…] [--label-rm k…] [--availability active|pause|drain]`,
 * `berth node rm NODE [--force]` and `berth node ls` (the same as `berth nodes`). NODE is a node
 * id, a unique id prefix (the table's ID column) or a name; the scheduler resolves it.
 */
import type { Command } from 'commander';
import { connectionFlags } from '../client/command-options.js';
import { nodeUpdateRequest, type NodeUpdateFlags } from '../client/node-update-flags.js';
import { openControl } from '../client/open-control.js';
import { ExitStatus } from '../exit-status.js';
import { labelsText, SHORT_NODE_ID } from '../output/node-listing.js';
import type { Terminal } from '../output/terminal.js';
import { nodeListCommand } from './nodes.js';
import { collect } from './options.js';

/** Registers `node update|rm|ls`; the actions set the exit status through `done`. */
export function registerNode(program: Command, term: Terminal, done: (status: number) => void): void {
  const node = program.command('node').description('change or remove one node of the cluster');
  const log = (line: string): void => {
    term.err.write(line + '\n');
  };
  node
    .command('update')
    .description("change a node's labels or availability (drain moves its tasks away; pause stops new placements)")
    .argument('<node>', 'node id, unique id prefix or name')
    .option('--label-add <key=value>', 'add or change a label (repeatable)', collect)
    .option('--label-rm <key>', 'remove a label (repeatable)', collect)
    .option('--availability <availability>', 'active, pause or drain')
    .action(async (nodeArg: string, opts: NodeUpdateFlags, command: Command) => {
      // Checked before connecting: a typo is a usage error, not a round trip.
      const request = nodeUpdateRequest(nodeArg, opts);
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log });
      try {
        const updated = await client.updateNode(request);
        const labels = labelsText(updated.labels);
        term.out.write(`updated node ${updated.name} (${updated.id.slice(0, SHORT_NODE_ID)}): availability ${updated.availability}; labels ${labels === '' ? '(none)' : labels}\n`);
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
  node
    .command('rm')
    .description('remove a node and revoke its certificate; its tasks move to other nodes (a ready node only with --force)')
    .argument('<node>', 'node id, unique id prefix or name')
    .option('--force', 'remove the node even though it is ready')
    .action(async (nodeArg: string, opts: { force?: boolean }, command: Command) => {
      const client = await openControl({ ...connectionFlags(command), env: process.env, startDaemon: false, log });
      try {
        const removed = await client.removeNode({ node: nodeArg, force: opts.force === true });
        const moved = removed.tasksMoved === 0 ? 'no tasks to move' : `${removed.tasksMoved} task${removed.tasksMoved === 1 ? '' : 's'} will be placed on other nodes`;
        term.out.write(`removed node ${removed.nodeId.slice(0, SHORT_NODE_ID)} (its certificate is revoked); ${moved}\n`);
      } finally {
        client.close();
      }
      done(ExitStatus.OK);
    });
  nodeListCommand(node.command('ls'), term, done);
}
