/**
 * `berth scheduler`: runs the scheduler alone in the foreground until SIGINT/SIGTERM, for a
 * cluster whose agents join it with `berth agent --join HOST:PORT --token T`. Stopping it stops
 * nothing on the nodes: agents redial and keep their tasks running meanwhile. The first start
 * creates the cluster CA in `<data-dir>/pki/`; the log says how to get the join token (never
 * the token itself: logs get copied around).
 */
import type { Command } from 'commander';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';
import { parseHeartbeatPeriod, parseListenAddress, parseMissedHeartbeats } from '../daemon/server-options.js';

/**
 * Where a standalone scheduler listens for agents unless told otherwise. Loopback, so nothing is
 * exposed until the operator chooses to (`--listen 0.0.0.0:7400`); the port is mutual TLS and
 * joining needs the token.
 */
export const DEFAULT_SCHEDULER_LISTEN = '127.0.0.1:7400';

interface SchedulerCliOptions {
  dataDir: string;
  listen: string;
  controlSocket?: string;
  controlTcp?: string;
  heartbeatPeriod?: string;
  missedHeartbeats?: string;
}

/** Registers `scheduler`; resolves `done` when the scheduler has shut down. */
export function registerScheduler(program: Command, term: Terminal, done: (status: number) => void): void {
  program
    .command('scheduler')
    .description('run the scheduler in the foreground: the store, reconcile, dispatch to agents, the Control API')
    .requiredOption('--data-dir <dir>', 'where the state store (state.db) and, by default, the control socket live')
    .option('--listen <host:port>', 'address agents join (TLS; joining needs the token)', DEFAULT_SCHEDULER_LISTEN)
    .option('--control-socket <path>', 'unix socket of the Control API (default <data-dir>/control.sock)')
    .option('--control-tcp <host:port>', 'also serve the Control API on TCP (TLS; admin certificates only)')
    .option('--heartbeat-period <duration>', 'how often agents heartbeat, e.g. 1s (default 1s)')
    .option('--missed-heartbeats <n>', 'heartbeats missed before a node is down (default 3)')
    .action(async (opts: SchedulerCliOptions) => {
      const agentListen = parseListenAddress(opts.listen, '--listen');
      const controlTcp = opts.controlTcp === undefined ? undefined : parseListenAddress(opts.controlTcp, '--control-tcp');
      const heartbeatPeriodMs = opts.heartbeatPeriod === undefined ? undefined : parseHeartbeatPeriod(opts.heartbeatPeriod);
      const missedHeartbeats = opts.missedHeartbeats === undefined ? undefined : parseMissedHeartbeats(opts.missedHeartbeats);
      const log = (line: string): void => {
        term.err.write(`${new Date().toISOString()} scheduler: ${line}\n`);
      };
      const { stopSignal } = await import('../daemon/stop-signal.js');
      const stop = stopSignal();
      // Loaded here, not at the top: other commands should not pay for grpc and SQLite.
      const { Scheduler } = await import('@berth/scheduler');
      const scheduler = await Scheduler.start({
        dataDir: opts.dataDir,
        agentListen,
        log,
        ...(opts.controlSocket !== undefined ? { controlSocket: opts.controlSocket } : {}),
        ...(controlTcp !== undefined ? { controlTcp } : {}),
        ...(heartbeatPeriodMs !== undefined ? { heartbeatPeriodMs } : {}),
        ...(missedHeartbeats !== undefined ? { missedHeartbeats } : {}),
      });
      if (scheduler.controlSocket !== undefined) {
        log(`join token: berth --host unix://${scheduler.controlSocket} token`);
      }
      log(`cluster CA fingerprint: ${scheduler.authority.caFingerprint}`);
      const signal = await stop;
      log(`${signal}: shutting down; agents keep their tasks running`);
      await scheduler.close();
      done(ExitStatus.OK);
    });
}
