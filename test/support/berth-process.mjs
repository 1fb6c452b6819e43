// @ts-check
/**
 * The real `berth` binary as a child process, for harnesses written in plain JS so that the
 * benchmarks (bench/*.mjs, plain node) can share them with the tests: a long-running one
 * (scheduler, agent) whose output is kept and which can be signalled, and a one-shot run.
 * Types and TSDoc: berth-process.d.mts.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** Repository root. */
export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The berth launcher (runs packages/cli/dist: build first with `npx tsc -b`). */
export const BERTH_BIN = path.join(REPO_ROOT, 'packages/cli/bin/berth.js');

const OUTPUT_KEEP_CHARS = 4 * 1024 * 1024;

/** @param {number} ms */
export function sleep(ms) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/**
 * A base environment that reaches nothing by default: PATH with this node first, HOME and
 * XDG_STATE_HOME as given, NO_COLOR, and DOCKER_HOST when set.
 * @param {string} home
 */
export function baseEnv(home) {
  /** @type {NodeJS.ProcessEnv} */
  const env = {
    PATH: `${path.dirname(process.execPath)}:${process.env['PATH'] ?? '/usr/bin:/bin'}`,
    HOME: home,
    NO_COLOR: '1',
    XDG_STATE_HOME: path.join(home, '.state'),
    XDG_CONFIG_HOME: path.join(home, '.config'),
  };
  if (process.env['DOCKER_HOST']) env['DOCKER_HOST'] = process.env['DOCKER_HOST'];
  return env;
}

/** One long-running berth process; see berth-process.d.mts. */
export class BerthProcess {
  /** @type {import('node:child_process').ChildProcess} */
  #child;
  /** @type {string[]} */
  #chunks = [];
  #kept = 0;
  /** @type {{ code: number | null; signal: NodeJS.Signals | null } | undefined} */
  #exit;

  /**
   * @param {string[]} args
   * @param {NodeJS.ProcessEnv} env
   * @param {string} [label]
   */
  constructor(args, env, label = args[0] ?? 'berth') {
    this.args = args;
    this.label = label;
    this.startedAt = Date.now();
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    if (child.pid === undefined) throw new Error(`could not spawn ${BERTH_BIN} ${args.join(' ')}`);
    this.#child = child;
    this.pid = child.pid;
    /** @param {Buffer} chunk */
    const keep = (chunk) => {
      const text = chunk.toString('utf8');
      this.#chunks.push(text);
      this.#kept += text.length;
      // A chatty process must not grow the test's memory without bound: keep the newest part.
      while (this.#kept > OUTPUT_KEEP_CHARS && this.#chunks.length > 1) this.#kept -= this.#chunks.shift()?.length ?? 0;
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exit = { code, signal };
        resolve(this.#exit);
      });
    });
  }

  get output() {
    return this.#chunks.join('');
  }

  /** @param {number} [lines] */
  tail(lines = 30) {
    return this.output.trimEnd().split('\n').slice(-lines).join('\n');
  }

  get running() {
    return this.#exit === undefined;
  }

  get exit() {
    return this.#exit;
  }

  /** @param {NodeJS.Signals} signal */
  signal(signal) {
    if (!this.running) return false;
    try {
      return process.kill(this.pid, signal);
    } catch {
      return false;
    }
  }

  async kill9() {
    this.signal('SIGKILL');
    return this.#bounded(10_000, 'a SIGKILLed process to exit');
  }

  /** @param {number} [timeoutMs] */
  async stop(timeoutMs = 8_000) {
    if (!this.running) return this.exited;
    // A stopped process cannot act on SIGTERM until it runs again.
    this.signal('SIGCONT');
    this.signal('SIGTERM');
    const done = await Promise.race([this.exited, sleep(timeoutMs).then(() => undefined)]);
    if (done !== undefined) return done;
    return this.kill9();
  }

  /**
   * @param {number} ms
   * @param {string} what
   */
  async #bounded(ms, what) {
    /** @type {NodeJS.Timeout | undefined} */
    let timer;
    const timeout = new Promise((_resolve, reject) => {
      timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what} (${this.label}, pid ${this.pid})`)), ms);
    });
    try {
      return /** @type {{ code: number | null; signal: NodeJS.Signals | null }} */ (await Promise.race([this.exited, timeout]));
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * Runs `berth <args>` to completion without blocking the event loop (harness processes must
 * keep draining their output meanwhile); SIGKILLed after `timeoutMs`.
 * @param {string[]} args
 * @param {NodeJS.ProcessEnv} env
 * @param {number} [timeoutMs]
 * @returns {Promise<{ status: number | null; signal: NodeJS.Signals | null; stdout: string; stderr: string; ms: number }>}
 */
export function runBerth(args, env, timeoutMs = 60_000) {
  return new Promise((resolve) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BERTH_BIN, ...args], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (/** @type {Buffer} */ c) => (stdout += c.toString('utf8')));
    child.stderr.on('data', (/** @type {Buffer} */ c) => (stderr += c.toString('utf8')));
    const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
    child.once('close', (status, signal) => {
      clearTimeout(timer);
      resolve({ status, signal, stdout, stderr, ms: performance.now() - started });
    });
  });
}
