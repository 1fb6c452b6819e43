/**
 * `berth daemon`'s body: a scheduler and this host's agent in one process, for one machine.
 *
 *   <dataDir>/daemon.pid ── one daemon per state dir
 *   Scheduler (store <dataDir>/state.db, control unix://<dataDir>/control.sock, agents on 127.0.0.1:<free>)
 *   Agent (data <dataDir>/agent) ──joins with the scheduler's own token, then mTLS──▶ the scheduler's loopback address
 *
 * The agent's node identity lives in its data dir, so a restarted daemon's agent registers as
 * the same node and re-adopts its workloads. Stopping the daemon stops neither: workloads keep
 * running, as across an agent restart, and the next daemon picks them up. (`berth down`
 * is what stops a stack.)
 */
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { claimPidFile, releasePidFile } from './pid-file.js';
import { AGENT_DATA_DIR, controlSocketPath, DAEMON_PID_FILE } from './state-dir.js';

/** How to run the daemon. */
export interface DaemonOptions {
  dataDir: string;
  /** Address the agent reports and binds address-less published ports to; default 127.0.0.1. */
  address?: string;
  /** Node name; default the host name (used only when the node identity is first created). */
  name?: string;
  labels?: Record<string, string>;
  heartbeatPeriodMs?: number;
  missedHeartbeats?: number;
  /** One line per notable event, tagged with the part that logged it. */
  log: (part: 'daemon' | 'scheduler' | 'agent', line: string) => void;
}

/** A daemon that is up. */
export interface RunningDaemon {
  /** `unix://…/control.sock`. */
  controlHost: string;
  /** The loopback address the agent dials. */
  agentAddress: string;
  nodeId: string;
  /** Stops the agent, then the scheduler, and releases the pid file; workloads keep running. */
  close(): Promise<void>;
}

/** Starts the scheduler and the agent; throws (having undone what it did) when either fails. */
export async function startDaemon(options: DaemonOptions): Promise<RunningDaemon> {
  const { dataDir, log } = options;
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const pidFile = path.join(dataDir, DAEMON_PID_FILE);
  claimPidFile(pidFile);
  const undo: Array<() => Promise<void> | void> = [() => releasePidFile(pidFile)];
  const unwind = async (): Promise<void> => {
    for (const step of undo.reverse()) {
      try {
        await step();
      } catch (error) {
        log('daemon', `shutdown step failed: ${String(error)}`);
      }
    }
  };
  try {
    // A socket file a dead daemon left is cleared by the Control API (only when nothing answers on it).
    const socket = controlSocketPath(dataDir);
    // Loaded here: other commands should not pay for grpc, SQLite and dockerode.
    const { Scheduler } = await import('@berth/scheduler');
    const scheduler = await Scheduler.start({
      dataDir,
      agentListen: '127.0.0.1:0',
      controlSocket: socket,
      log: (line) => log('scheduler', line),
      ...(options.heartbeatPeriodMs !== undefined ? { heartbeatPeriodMs: options.heartbeatPeriodMs } : {}),
      ...(options.missedHeartbeats !== undefined ? { missedHeartbeats: options.missedHeartbeats } : {}),
    });
    undo.push(() => scheduler.close());
    const { Agent } = await import('@berth/agent');
    const agent = await Agent.start({
      dataDir: path.join(dataDir, AGENT_DATA_DIR),
      scheduler: scheduler.agentAddress,
      // Joins its own scheduler on first start; later starts use the stored node certificate.
      token: scheduler.authority.joinToken(),
      address: options.address ?? '127.0.0.1',
      name: options.name ?? hostname(),
      labels: options.labels ?? {},
      log: (line) => log('agent', line),
    });
    undo.push(() => agent.close());
    let closing: Promise<void> | undefined;
    return {
      controlHost: `unix://${socket}`,
      agentAddress: scheduler.agentAddress,
      nodeId: agent.identity.id,
      close: () => (closing ??= unwind()),
    };
  } catch (error) {
    await unwind();
    throw error;
  }
}
