/** Types of host-workloads.mjs: what really runs on each harness host, and killing it. */

/** What the workload scan needs to know of one host. */
export interface HostRef {
  /** 1-based host number. */
  n: number;
  /** The HOME its agent runs with (and passes on to process tasks). */
  home: string;
  /** The agent's data dir (process task records live under `tasks/`). */
  dataDir: string;
  /** Pids of every agent process of this host, never counted as workloads. */
  agentPids: number[];
}

/** One process-driver task record, as the harness reads it. */
export interface ProcessTaskRecord {
  pid: number;
  startTime: number;
  taskId: string;
  stack: string;
  service: string;
  slot: number;
  nodeId: string;
}

/** One live copy of a task: a process or a running container. */
export interface LiveCopy {
  /** Host number (0: a container whose node id belongs to no host of the harness). */
  host: number;
  stack: string;
  service: string;
  slot: number;
  taskId: string;
  /** `pid:starttime` of a process, or a container id. */
  id: string;
}

/** What runs, by task, plus what runs but names no task (a leak). */
export interface WorkloadScan {
  copies: LiveCopy[];
  unattributed: Array<{ host: number; id: string }>;
}

/** State, process group and start time of a live `pid`; undefined when gone or a zombie. */
export declare function procStat(pid: number): { state: string; pgid: number; startTime: number } | undefined;
/** True while `pid` is the same live process that started at `startTime`. */
export declare function isSameProcessAlive(pid: number, startTime: number): boolean;
/** SIGKILLs that process (and its group when it leads one) if it is still that process; true if it was alive. */
export declare function killProcess(pid: number, startTime: number): boolean;
/** The process task records in an agent data dir. */
export declare function readProcessRecords(dataDir: string): Promise<ProcessTaskRecord[]>;

/** Finds live processes by the HOME in their initial environment (cached by pid and start time). */
export declare class HomeScanner {
  /** Live processes whose HOME is a key of `homes` (value: host number), except `exclude`. */
  scan(homes: ReadonlyMap<string, number>, exclude?: ReadonlySet<number>): Array<{ pid: number; startTime: number; host: number }>;
}

/** Process-driver copies on `hosts`. */
export declare function scanProcessWorkloads(scanner: HomeScanner, hosts: readonly HostRef[]): Promise<WorkloadScan>;
/** SIGKILLs every workload process of `host`; how many were alive. */
export declare function killProcessWorkloads(scanner: HomeScanner, host: HostRef): Promise<number>;
/** Running containers of `stacks`, attributed to hosts by node id. */
export declare function scanDockerWorkloads(stacks: readonly string[], hostByNodeId: ReadonlyMap<string, number>): Promise<WorkloadScan>;
/** Force-removes every container labelled `io.berth.node=<id>` for each of `nodeIds`; how many. */
export declare function removeHostContainers(nodeIds: readonly string[]): Promise<number>;
