/**
 * One agent process: the node's identity, its runtime drivers, the supervisor of its tasks and
 * the link to the scheduler, wired together. Nothing here decides policy.
 *
 *   start: identity + node certificate (join with the token if none) ─▶ detect drivers
 *          ─▶ supervisor.recover() (re-adopt) ─▶ link.start() (mTLS) · certificate renewal timer
 *   link ── assignment sets ─▶ supervisor ── status batches ─▶ link
 *   link ── log requests ─▶ LogServer ─▶ driver.logs ─▶ link
 *   link ── stack cleanups ─▶ supervisor (after the stack's removals) ─▶ driver.cleanupStack
 *   link ── lease expired ─▶ supervisor.fence() (stops what may not run twice; the next set restarts it)
 *
 * Closing the agent lets go of its tasks without stopping them: workloads keep running and
 * the next agent start re-adopts them.
 */
import { cpus as osCpus, hostname, totalmem } from 'node:os';
import type { ChannelCredentials } from '@grpc/grpc-js';
import type { DriverName, DriverStatus } from '@berth/api';
import { schedulerChannelCredentials } from '@berth/api/pki';
import { CertificateRenewal } from './cluster/certificate-renewal.js';
import { schedulerTlsChannelOptions } from './cluster/cluster-call.js';
import { enrolNode } from './cluster/node-enrolment.js';
import { loadOrCreateNodeIdentity, persistAssignedNodeId, type NodeIdentity } from './identity/node-identity.js';
import { SchedulerLink, type NodeReport } from './link/scheduler-link.js';
import { LogServer } from './log-server.js';
import { DockerDriver } from './runtime/docker/docker-driver.js';
import { ProcessDriver } from './runtime/process/process-driver.js';
import type { RuntimeDriver } from './runtime/runtime.js';
import { toTaskAssignmentSet } from './supervisor/link-assignments.js';
import { describeFence } from './supervisor/fence.js';
import type { StackCleanupResult } from './supervisor/stack-cleanup.js';
import { Supervisor, type RecoveryReport } from './supervisor/supervisor.js';
import type { Clock } from './task/clock.js';

/** berth agent version reported at registration. */
export const AGENT_VERSION = '0.1.0';

/** How to run an agent. */
export interface AgentOptions {
  dataDir: string;
  /** `host:port` of the scheduler's Agent service. */
  scheduler: string;
  /** Node name (default: the host name); used only when the identity is created. */
  name?: string;
  /** Address this node's published ports bind to and others reach it at. */
  address: string;
  labels?: Record<string, string>;
  /** Drivers to offer (default both); an unavailable one is reported, not fatal. */
  drivers?: DriverName[];
  env?: NodeJS.ProcessEnv;
  /** One line per notable event (registration, recovery, warnings). */
  log?: (line: string) => void;
  /** The join token (`berth token`); needed only while this node has no certificate. */
  token?: string;
  /**
   * Plain text to a TestScheduler: no join, no certificate, no renewal. For tests only; a real
   * scheduler refuses it.
   */
  insecure?: boolean;
  /** Explicit channel credentials (tests): no join and no renewal either. */
  credentials?: ChannelCredentials;
  /** Clock of the certificate renewal timer; injected by tests. */
  clock?: Clock;
  /** [0, 1) for the renewal point and its retries; injected by tests. */
  random?: () => number;
}

/** One log line for a finished stack cleanup. */
function describeCleanup({ stack, skipped, removed }: StackCleanupResult): string {
  if (skipped !== undefined) return `stack ${stack}: cleanup skipped: ${skipped}`;
  return `stack ${stack} cleaned up: ${removed.length > 0 ? `removed ${removed.join(', ')}` : 'nothing to remove'}`;
}

/** A running agent. */
export class Agent {
  private constructor(
    readonly identity: NodeIdentity,
    readonly drivers: Partial<Record<DriverName, RuntimeDriver>>,
    readonly driverStatus: DriverStatus[],
    readonly supervisor: Supervisor,
    readonly link: SchedulerLink,
    readonly recovery: RecoveryReport,
    private readonly logs: LogServer,
    /** Undefined on an insecure link (tests). */
    readonly renewal: CertificateRenewal | undefined,
    /**
     * Resolves with the scheduler's reason once it refuses this node for good (removed with
     * `berth node rm`): the link has stopped and every task has been stopped and removed.
     */
    readonly refused: Promise<string>,
  ) {}

  /** Starts an agent: re-adopts what the previous run left, then dials the scheduler. */
  static async start(options: AgentOptions): Promise<Agent> {
    const log = options.log ?? (() => undefined);
    const env = options.env ?? process.env;
    const name = options.name ?? hostname();
    // Before anything else: a node that cannot join must not start (or write) anything.
    const plain = options.insecure === true || options.credentials !== undefined;
    const enrolment = plain
      ? undefined
      : await enrolNode({
          dataDir: options.dataDir,
          scheduler: options.scheduler,
          name,
          address: options.address,
          log,
          ...(options.token !== undefined ? { token: options.token } : {}),
        });
    const identity = enrolment?.identity ?? (await loadOrCreateNodeIdentity({ dataDir: options.dataDir, name, address: options.address }));
    const wanted = options.drivers ?? ['docker', 'process'];
    const drivers: Partial<Record<DriverName, RuntimeDriver>> = {};
    if (wanted.includes('process')) drivers.process = new ProcessDriver({ dataDir: options.dataDir, agentEnv: env });
    if (wanted.includes('docker')) drivers.docker = new DockerDriver({ env });
    const driverStatus: DriverStatus[] = [];
    for (const driver of Object.values(drivers)) {
      const a = await driver.detect();
      driverStatus.push({ name: a.driver, available: a.available, message: a.message });
      log(`driver ${a.driver}: ${a.available ? 'available' : 'unavailable'} (${a.message})`);
    }
    // An unavailable driver stays registered so recovery and stops still reach its workloads
    // once it comes back; the scheduler does not place new tasks on it.
    const supervisor = new Supervisor({ nodeId: identity.id, dataDir: options.dataDir, drivers });
    supervisor.on('warning', (m) => log(`warning: ${m}`));
    const recovery = await supervisor.recover();
    log(
      `recovered: ${recovery.adopted.length} adopted, ${recovery.started.length} restarted, ` +
        `${recovery.awaiting.length} gone and waiting for the scheduler, ` +
        `${recovery.orphans.length} unassigned workloads left running`,
    );

    const report = (): NodeReport => ({
      name: identity.name,
      address: identity.address,
      labels: options.labels ?? {},
      cpus: osCpus().length,
      memoryBytes: totalmem(),
      drivers: driverStatus,
      agentVersion: AGENT_VERSION,
      tasks: supervisor.statuses(),
      appliedRevision: supervisor.revision,
    });
    // Swapped by a renewal; the link asks for it on every dial.
    const nodeTls = enrolment && { credentials: schedulerChannelCredentials(enrolment.credentials) };
    const renewal = enrolment
      ? new CertificateRenewal({
          address: options.scheduler,
          dataDir: options.dataDir,
          credentials: enrolment.credentials,
          // The stream that is up keeps its TLS session; the next dial presents the new certificate.
          onRenewed: (renewed) => {
            if (nodeTls) nodeTls.credentials = schedulerChannelCredentials(renewed);
          },
          log,
          ...(options.clock !== undefined ? { clock: options.clock } : {}),
          ...(options.random !== undefined ? { random: options.random } : {}),
        })
      : undefined;
    const link = new SchedulerLink({
      address: options.scheduler,
      nodeId: identity.id,
      report,
      ...(nodeTls
        ? { credentials: () => nodeTls.credentials, channelOptions: schedulerTlsChannelOptions(options.scheduler) }
        : options.credentials
          ? { credentials: options.credentials }
          : {}),
    });
    const logs = new LogServer({
      handleOf: (taskId) => supervisor.runner(taskId)?.handle,
      drivers,
      sendChunk: (c) => link.sendLogChunk(c),
      sendFailure: (f) => link.sendLogFailure(f),
    });
    let onRefused: (reason: string) => void = () => undefined;
    const refused = new Promise<string>((resolve) => (onRefused = resolve));
    const agent = new Agent(identity, drivers, driverStatus, supervisor, link, recovery, logs, renewal, refused);
    // Process services carry an absolute working_dir from the loader; the data dir is only a
    // fallback for specs that lack one.
    const node = { nodeId: identity.id, nodeAddress: identity.address, projectDir: () => options.dataDir };
    supervisor.on('statuses', (batch) => link.reportStatuses(batch));
    link.on('assignments', (set) => {
      supervisor.applyAssignments(toTaskAssignmentSet(set, node)).catch((e: unknown) => log(`applying assignments failed: ${String(e)}`));
    });
    link.on('logRequest', (request) => logs.serve(request));
    link.on('logCancel', (id) => logs.cancel(id));
    link.on('stackCleanup', ({ stack, removeVolumes }) => {
      // What the drivers keep (still in use) or fail on reaches the log as the supervisor's warnings.
      supervisor.cleanupStack(stack, { removeVolumes }).then(
        (result) => log(describeCleanup(result)),
        (e: unknown) => log(`cleaning up stack ${stack} failed: ${String(e)}`),
      );
    });
    link.on('connected', (up) => {
      log(`connected to scheduler ${options.scheduler} as node ${up.nodeId}`);
      if (up.nodeId !== node.nodeId) {
        node.nodeId = up.nodeId;
        persistAssignedNodeId(options.dataDir, identity, up.nodeId).catch((e: unknown) => log(`cannot persist node id: ${String(e)}`));
      }
    });
    link.on('disconnected', (down) =>
      log(`disconnected from scheduler (${down.reason}: ${down.message})${down.reason === 'expired' ? '' : '; tasks keep running while the lease lasts'}`),
    );
    // Before the scheduler may replace them (grace + margin), stop what must not run twice.
    link.on('leaseExpired', (lease) => log(describeFence(lease, supervisor.fence())));
    link.on('leaseRenewed', () => log('lease renewed; fenced tasks start again when the scheduler lists them'));
    // One line per new reason the dial fails (a refused certificate, a scheduler that is down), not one per retry.
    let dialFailure: string | undefined;
    link.on('disconnected', (down) => (dialFailure = down.message));
    link.on('connected', () => (dialFailure = undefined));
    link.on('retrying', ({ cause }) => {
      if (cause !== dialFailure) log(`cannot connect to scheduler ${options.scheduler}: ${cause}; retrying`);
      dialFailure = cause;
    });
    link.on('protocolError', (e) => log(`protocol error: ${String(e)}`));
    // No longer part of the cluster: its tasks run elsewhere now, so none may run on here.
    link.on('refused', (reason) => {
      log(`the scheduler refused this node for good: ${reason}; stopping every task (join again with a fresh data dir and a token)`);
      supervisor
        .applyAssignments({ kind: 'complete', assignments: [], removedTaskIds: [] })
        .catch((e: unknown) => log(`stopping the tasks failed: ${String(e)}`))
        .finally(() => onRefused(reason));
    });
    link.start();
    renewal?.start();
    return agent;
  }

  /** Disconnects and lets go of every task, leaving workloads running. */
  async close(): Promise<void> {
    this.logs.close();
    await this.renewal?.stop();
    await this.link.close();
    await this.supervisor.close();
    for (const driver of Object.values(this.drivers)) {
      const closable = driver as RuntimeDriver & { close?: () => void | Promise<void> };
      await closable.close?.();
    }
  }
}
