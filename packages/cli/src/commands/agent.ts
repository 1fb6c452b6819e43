/**
 * `berth agent`: runs this host's agent in the foreground until SIGINT/SIGTERM. Stopping the
 * agent leaves its tasks running; the next start re-adopts them. On its first start the agent
 * joins the cluster with `--token` (or BERTH_JOIN_TOKEN) and keeps the node certificate in its
 * data dir; later starts need no token. A refused join exits with status 4.
 */
import { Option, type Command } from 'commander';
import { BerthError, type DriverName } from '@berth/api/domain';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';
import { collect, parseLabels } from './options.js';
import { hideTokenFromProcessList } from './redact-token.js';

interface AgentCliOptions {
  join: string;
  dataDir: string;
  address: string;
  name?: string;
  label?: string[];
  driver?: string[];
  token?: string;
  insecure?: boolean;
}

/** Registers `agent`; resolves `done` when the agent has shut down. */
export function registerAgent(program: Command, term: Terminal, done: (status: number) => void): void {
  program
    .command('agent')
    .description("run this host's agent: drives Docker or host processes for the scheduler")
    .requiredOption('--join <host:port>', "the scheduler's agent address")
    .requiredOption('--data-dir <dir>', 'where the node identity and certificate (tls/), task records and process logs live')
    .option('--address <ip>', 'address published ports bind to and the scheduler reaches this node at', '127.0.0.1')
    .option('--name <name>', 'node name (default: the host name)')
    .option('--label <key=value>', 'node label for placement constraints (repeatable)', collect)
    .option('--driver <name>', 'offer only this driver: docker or process (repeatable; default both)', collect)
    .addOption(
      new Option('--token <token>', 'join token (berth token on the scheduler prints one); needed only until this node has joined').env(
        'BERTH_JOIN_TOKEN',
      ),
    )
    // Plain text, no certificate: only for the test harness's in-process fake scheduler.
    .addOption(new Option('--insecure').hideHelp())
    .action(async (opts: AgentCliOptions) => {
      // First: `ps` shows every user the command line, token included, for the agent's whole life.
      hideTokenFromProcessList();
      const drivers = opts.driver?.map((d) => {
        if (d !== 'docker' && d !== 'process') throw new BerthError('USAGE', `--driver must be docker or process (got "${d}")`);
        return d as DriverName;
      });
      const log = (line: string): void => {
        term.err.write(`${new Date().toISOString()} agent: ${line}\n`);
      };
      if (opts.insecure === true) log('warning: --insecure: plain text, no certificate; only a test scheduler accepts this');
      // Loaded here, not at the top: other commands should not pay for dockerode and grpc.
      const { Agent } = await import('@berth/agent');
      const agent = await Agent.start({
        dataDir: opts.dataDir,
        scheduler: opts.join,
        address: opts.address,
        labels: parseLabels(opts.label ?? []),
        log,
        ...(opts.token !== undefined && opts.token !== '' ? { token: opts.token } : {}),
        ...(opts.insecure === true ? { insecure: true } : {}),
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(drivers !== undefined ? { drivers } : {}),
      });
      log(`node ${agent.identity.id} (${agent.identity.name}) at ${agent.identity.address}; data dir ${opts.dataDir}`);
      const ending = await new Promise<'signal' | 'refused'>((resolve) => {
        const stop = (signal: string): void => {
          log(`${signal}: disconnecting; tasks keep running`);
          resolve('signal');
        };
        process.once('SIGINT', () => stop('SIGINT'));
        process.once('SIGTERM', () => stop('SIGTERM'));
        void agent.refused.then(() => resolve('refused'));
      });
      await agent.close();
      done(ending === 'refused' ? ExitStatus.DENIED : ExitStatus.OK);
    });
}
