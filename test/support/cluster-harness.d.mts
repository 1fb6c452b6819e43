/**
 * Types of cluster-harness.mjs: a scheduler and N agents as separate processes on distinct
 * loopback addresses, each agent behind a cuttable proxy; see the module comment there.
 */
import type { BerthProcess, BerthRun } from './berth-process.d.mts';
import type { CopyWindows } from './copy-windows.d.mts';
import type { LiveCopy } from './host-workloads.d.mts';
import type { TcpProxy } from './tcp-proxy.d.mts';

/** What an agent prints once its stream to the scheduler is up. */
export declare const AGENT_CONNECTED: RegExp;
/** Loopback address of host `n` (1-based): `127.0.0.(10+n)`. */
export declare function hostAddress(n: number): string;
/** A TCP port free on 127.0.0.1 right now. */
export declare function freePort(): Promise<number>;
/** Polls `check` every `intervalMs` (100) until it returns something truthy; throws after `timeoutMs`. */
export declare function waitFor<T>(
  check: () => T | Promise<T>,
  options: { timeoutMs: number; intervalMs?: number; what: string; context?: () => string },
): Promise<NonNullable<T>>;

/** How to start a cluster. */
export interface ClusterOptions {
  /** Number of agents (default 3). */
  agents?: number;
  /** The one driver every agent offers (default `process`). */
  driver?: 'process' | 'docker';
  /** Node labels of host `n` (1-based). */
  labels?: (n: number) => Record<string, string>;
  /** Extra `berth scheduler` flags. */
  schedulerArgs?: string[];
  /** Extra `berth agent` flags for every host. */
  agentArgs?: string[];
  /** Temp dir prefix (default `berth-cluster-`). */
  prefix?: string;
}

/** A task as `berth ps --format json` prints it. */
export interface PsTask {
  id: string;
  stack: string;
  service: string;
  slot: number;
  /** The node's name. */
  node: string | null;
  state: string;
  health: string;
  restarts: number;
  exitCode: number | null;
  message: string;
}

/** A node as `berth nodes --format json` prints it (the fields the tests read). */
export interface NodeJson {
  id: string;
  name: string;
  address: string;
  state: string;
  availability: string;
  labels: Record<string, string>;
  tasks: number;
}

/** One look at what really runs. */
export interface TaskSample {
  /** Epoch ms when the sample began. */
  at: number;
  copies: LiveCopy[];
  /** Workloads of a harness host that name no task (leaks). */
  unattributed: Array<{ host: number; id: string }>;
}

/** A background sampler started by {@link Cluster.watch}. */
export interface Watch {
  /** Every sample so far. */
  readonly samples: TaskSample[];
  /** Double-copy windows over those samples. */
  readonly windows: CopyWindows;
  /** Stops sampling (after the sample in progress); rethrows a sampling failure. */
  stop(): Promise<CopyWindows>;
}

/** An agent outside the cluster's hosts (for refusal tests). */
export interface ExtraAgentOptions {
  name: string;
  dataDir: string;
  /** Default: the scheduler itself, not through a proxy. */
  join?: string;
  /** Omitted: no `--token`. */
  token?: string;
  /** Default 127.0.0.1. */
  address?: string;
  /** HOME of the agent (default `<root>/extra-home`). */
  home?: string;
  /** More `berth agent` flags. */
  extraArgs?: string[];
}

/** One simulated host. */
export interface ClusterHost {
  /** 1-based. */
  readonly n: number;
  /** `node-<n>`. */
  readonly name: string;
  /** `127.0.0.(10+n)`. */
  readonly address: string;
  /** `<root>/host-<n>`. */
  readonly dir: string;
  /** The agent's `--data-dir`. */
  readonly dataDir: string;
  /** The agent's HOME (process tasks inherit it: the harness finds them by it). */
  readonly home: string;
  readonly labels: Record<string, string>;
  /** The proxy the agent dials the scheduler through. */
  readonly proxy: TcpProxy;
  /** Every agent process of this host, oldest first. */
  readonly agents: BerthProcess[];
  /** The newest agent process. */
  readonly agent: BerthProcess;
  /** Node ids this host has been known by (scheduler and node.json). */
  readonly nodeIds: Set<string>;
}

/** A running cluster; see the module comment of cluster-harness.mjs. */
export declare class Cluster {
  /** Starts the scheduler, gets the join token (`berth token`), starts every agent with it and waits until all are ready. */
  static start(options?: ClusterOptions): Promise<Cluster>;
  /** The temp dir holding everything. */
  readonly root: string;
  readonly driver: 'process' | 'docker';
  /** `127.0.0.1:<port>`: the scheduler's agent port. */
  readonly schedulerAddress: string;
  readonly schedulerPort: number;
  readonly schedulerDir: string;
  readonly controlSocket: string;
  /** Environment for berth CLI runs (BERTH_HOST = the control socket). */
  readonly env: NodeJS.ProcessEnv;
  readonly scheduler: BerthProcess;
  /** The join token (`berth token`) every host's agent joins with. */
  readonly token: string;
  readonly hosts: ClusterHost[];
  /** Stacks deployed through {@link up} (cleanup removes containers by these labels only). */
  readonly stacks: string[];
  /** Agents started by {@link spawnAgent}. */
  readonly extraAgents: BerthProcess[];

  /** Host `n` (1-based). */
  host(n: number): ClusterHost;
  /** The `berth agent` arguments host's agent runs with. */
  agentArgs(host: ClusterHost): string[];
  /** Runs `berth <args>` against this cluster's scheduler. */
  berth(args: string[], timeoutMs?: number): Promise<BerthRun>;
  /** A fresh stack name `<prefix><8 hex>`. */
  stackName(prefix: string): string;
  /** Writes `yaml` and runs `berth up -d -p <stack> -f <file>`; throws unless it succeeds. */
  up(stack: string, yaml: string): Promise<BerthRun>;
  /** `berth ps -p <stack> --format json`. */
  ps(stack: string): Promise<PsTask[]>;
  /** `berth nodes --format json`. */
  nodes(): Promise<NodeJson[]>;
  /** Polls `berth nodes` until `predicate` holds (default 45 s). */
  waitForNodes(predicate: (nodes: NodeJson[]) => boolean, what: string, timeoutMs?: number): Promise<NodeJson[]>;

  /** SIGKILLs host n's agent, then every workload it started; `at` = just before the SIGKILL. */
  killHost(n: number): Promise<{ at: number; workloads: number }>;
  /** SIGKILLs host n's agent only. */
  killAgent(n: number): Promise<{ at: number }>;
  /** Starts host n's agent again (same flags and data dir) and waits until it is connected. */
  restartAgent(n: number): Promise<BerthProcess>;
  /** SIGSTOP host n's agent (its workloads keep running); returns the time. */
  stop(n: number): number;
  /** SIGCONT host n's agent; returns the time. */
  cont(n: number): number;
  /** Cuts host n's proxy (default blackhole); returns the time. */
  cut(n: number, how?: 'blackhole' | 'reset'): number;
  /** Restores host n's proxy; returns the time. */
  restore(n: number): number;

  /** What really runs now, per task slot and host. */
  sampleTasks(): Promise<TaskSample>;
  /** Polls `condition` every `intervalMs` (100) until truthy; the timeout error carries the processes' output. */
  waitFor<T>(condition: () => T | Promise<T>, options: { timeoutMs: number; intervalMs?: number; what: string }): Promise<NonNullable<T>>;
  /** Samples every `intervalMs` (100) in the background until stopped. */
  watch(options?: { intervalMs?: number }): Watch;
  /** Starts an agent that is not one of the hosts (it is killed by close()). */
  spawnAgent(options: ExtraAgentOptions): BerthProcess;
  /** Scheduler output lines containing `text`. */
  schedulerLines(text: string): string[];
  /** Tails of the scheduler's and agents' output, for failure messages. */
  debug(): string;
  /**
   * Stops everything it started: SIGKILLs every agent, kills the hosts' workload processes,
   * removes containers, networks and volumes labelled with its own stacks, stops the
   * scheduler, closes the proxies and deletes the temp dir. Tries all, then throws what failed.
   */
  close(): Promise<void>;
}
