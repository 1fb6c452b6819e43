/**
 * `berth daemon`: the scheduler and this host's agent in one foreground process, until
 * SIGINT/SIGTERM; `berth daemon stop` stops a running one. The client commands start a daemon
 * in the background on their own (`ensureDaemon`) when none answers and no host is given.
 *
 * Stopping the daemon leaves every workload running, as an agent restart does; the next daemon
 * on the same data dir re-adopts them. `berth down` is what stops a stack.
 */
import type { Command } from 'commander';
import { ExitStatus } from '../exit-status.js';
import type { Terminal } from '../output/terminal.js';
import { defaultStateDir } from '../daemon/state-dir.js';
import { parseHeartbeatPeriod, parseMissedHeartbeats } from '../daemon/server-options.js';
import { collect, parseLabels } from './options.js';

interface DaemonCliOptions {
  dataDir?: string;
  address: string;
  name?: string;
  label?: string[];
  heartbeatPeriod?: string;
  missedHeartbeats?: string;
}

interface DaemonStopCliOptions {
  dataDir?: string;
  timeout: string;
}

/** Registers `daemon` and `daemon stop`; resolves `done` when the command has finished. */
export function registerDaemon(program: Command, term: Terminal, done: (status: number) => void): void {
  const daemon = program
    .command('daemon')
    .description('run the scheduler and a local agent in one process (stopping it leaves workloads running)')
    .option('--data-dir <dir>', 'state dir: store, control socket, agent data (default $XDG_STATE_HOME/berth or ~/.local/state/berth)')
    .option('--address <ip>', 'address published ports bind to and the node is reached at', '127.0.0.1')
    .option('--name <name>', 'node name (default: the host name)')
    .option('--label <key=value>', 'node label for placement constraints (repeatable)', collect)
    .option('--heartbeat-period <duration>', 'how often the agent heartbeats, e.g. 1s (default 1s)')
    .option('--missed-heartbeats <n>', 'heartbeats missed before a node is down (default 3)')
    .action(async (opts: DaemonCliOptions) => {
      const dataDir = opts.dataDir ?? defaultStateDir(process.env);
      const heartbeatPeriodMs = opts.heartbeatPeriod === undefined ? undefined : parseHeartbeatPeriod(opts.heartbeatPeriod);
      const missedHeartbeats = opts.missedHeartbeats === undefined ? undefined : parseMissedHeartbeats(opts.missedHeartbeats);
      const log = (part: string, line: string): void => {
        term.err.write(`${new Date().toISOString()} ${part}: ${line}\n`);
      };
      const { startDaemon } = await import('../daemon/run-daemon.js');
      const { stopSignal } = await import('../daemon/stop-signal.js');
      // Listening before the slow start-up, so a SIGTERM during it still shuts down cleanly.
      const stop = stopSignal();
      const running = await startDaemon({
        dataDir,
        address: opts.address,
        labels: parseLabels(opts.label ?? []),
        log,
        ...(opts.name !== undefined ? { name: opts.name } : {}),
        ...(heartbeatPeriodMs !== undefined ? { heartbeatPeriodMs } : {}),
        ...(missedHeartbeats !== undefined ? { missedHeartbeats } : {}),
      });
      log('daemon', `ready (pid ${process.pid}): control ${running.controlHost}, node ${running.nodeId}, data dir ${dataDir}`);
      const signal = await stop;
      log('daemon', `${signal}: shutting down; workloads keep running`);
      await running.close();
      done(ExitStatus.OK);
    });

  daemon
    .command('stop')
    .description('stop the running daemon (its workloads keep running) and wait until it has exited')
    .option('--data-dir <dir>', 'state dir of the daemon to stop (default as for berth daemon)')
    .option('--timeout <seconds>', 'how long to wait for it to exit', '30')
    .action(async (opts: DaemonStopCliOptions) => {
      const { parseTimeoutSeconds } = await import('../client/durations.js');
      const { stopDaemon } = await import('../daemon/stop-daemon.js');
      // `berth daemon --data-dir D stop` puts the option on `daemon`; either place works.
      const dataDir = opts.dataDir ?? daemon.opts<DaemonCliOptions>().dataDir ?? defaultStateDir(process.env);
      const result = await stopDaemon(dataDir, parseTimeoutSeconds(opts.timeout));
      term.err.write(result.stopped ? `stopped berth daemon (pid ${result.pid})\n` : `${result.reason}\n`);
      done(ExitStatus.OK);
    });
}
