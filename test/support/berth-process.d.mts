/**
 * Types of berth-process.mjs: the real `berth` binary as a child process (plain JS so the
 * benchmarks can share it with the tests).
 */

/** Repository root. */
export declare const REPO_ROOT: string;
/** The berth launcher (packages/cli/bin/berth.js; build first with `npx tsc -b`). */
export declare const BERTH_BIN: string;

/** Resolves after `ms`. */
export declare function sleep(ms: number): Promise<void>;

/** An environment that reaches no default daemon or config: HOME (and XDG dirs) under `home`. */
export declare function baseEnv(home: string): NodeJS.ProcessEnv;

/** How a process ended. */
export interface ProcessExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

/** One long-running berth process (scheduler, agent, events) whose output is kept. */
export declare class BerthProcess {
  constructor(args: string[], env: NodeJS.ProcessEnv, label?: string);
  /** The berth arguments it was started with. */
  readonly args: string[];
  /** Name used in messages. */
  readonly label: string;
  readonly pid: number;
  /** Epoch ms of the spawn. */
  readonly startedAt: number;
  /** Settles when the process has exited. */
  readonly exited: Promise<ProcessExit>;
  /** Everything it wrote (stdout and stderr interleaved; the newest 4 MiB). */
  readonly output: string;
  /** The last `lines` lines of output, for failure messages. */
  tail(lines?: number): string;
  /** True until the process has exited. */
  readonly running: boolean;
  /** How it ended; undefined while running. */
  readonly exit: ProcessExit | undefined;
  /** Sends `signal` to this pid only; false when it has exited. */
  signal(signal: NodeJS.Signals): boolean;
  /** SIGKILL and wait (bounded) until it is gone. */
  kill9(): Promise<ProcessExit>;
  /** SIGCONT + SIGTERM, then SIGKILL after `timeoutMs` (8 s). */
  stop(timeoutMs?: number): Promise<ProcessExit>;
}

/** One finished berth run. */
export interface BerthRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Wall time of the run. */
  ms: number;
}

/** Runs `berth <args>` to completion without blocking the event loop; SIGKILL after `timeoutMs` (60 s). */
export declare function runBerth(args: string[], env: NodeJS.ProcessEnv, timeoutMs?: number): Promise<BerthRun>;
