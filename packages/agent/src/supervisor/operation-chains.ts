/**
 * One chain of operations per task: operations on one task run one after another (a
 * replacement's stop finishes before its successor starts), those on different tasks do not wait
 * for each other. Each chain remembers the stack of its task, so a stack cleanup can tell that
 * work on the stack is still under way and wait for it.
 */
import { errorMessage } from '../task/run-outcome.js';

/** The supervisor's per-task operation chains. */
export class OperationChains {
  readonly #chains = new Map<string, Promise<void>>();
  /** The stack of each chain that works on a task. */
  readonly #stacks = new Map<string, string>();
  readonly #warn: (message: string) => void;
  readonly #idle: () => void;

  /** Chains whose failures go to `warn`; `idle` runs whenever a chain has run out of operations. */
  constructor(warn: (message: string) => void, idle: () => void) {
    this.#warn = warn;
    this.#idle = idle;
  }

  /** Runs `op` after the previous operations on `key` (a task of `stack`); failures become warnings. */
  run(key: string, op: () => Promise<void>, stack?: string): Promise<void> {
    const previous = this.#chains.get(key) ?? Promise.resolve();
    const next = previous.then(op).catch((err: unknown) => {
      this.#warn(`${key}: ${errorMessage(err)}`);
    });
    this.#chains.set(key, next);
    if (stack !== undefined) this.#stacks.set(key, stack);
    void next.then(() => {
      if (this.#chains.get(key) !== next) return;
      this.#chains.delete(key);
      this.#stacks.delete(key);
      this.#idle();
    });
    return next;
  }

  /** True while an operation on a task of `stack` is queued or under way. */
  operating(stack: string): boolean {
    return [...this.#stacks.values()].includes(stack);
  }
}
