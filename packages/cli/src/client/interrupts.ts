/**
 * Ctrl-C for commands that clean up on the first one, as `docker compose up` does: the first
 * SIGINT asks for a graceful stop, the second forces. Listening replaces Node's default
 * (exit at once), so the command must stop listening when it is done.
 */

/** Counts SIGINTs while listening. */
export class Interrupts {
  readonly #first: Promise<void>;
  readonly #second: Promise<void>;
  #count = 0;
  #resolveFirst: () => void = () => undefined;
  #resolveSecond: () => void = () => undefined;
  readonly #onSignal = (): void => {
    this.#count++;
    if (this.#count === 1) this.#resolveFirst();
    else this.#resolveSecond();
  };

  /** Starts listening for SIGINT on `emitter` (the process by default). */
  constructor(private readonly emitter: NodeJS.EventEmitter = process) {
    this.#first = new Promise((resolve) => (this.#resolveFirst = resolve));
    this.#second = new Promise((resolve) => (this.#resolveSecond = resolve));
    emitter.on('SIGINT', this.#onSignal);
  }

  /** Resolves at the first Ctrl-C. */
  get first(): Promise<void> {
    return this.#first;
  }

  /** Resolves at the second Ctrl-C. */
  get second(): Promise<void> {
    return this.#second;
  }

  /** How many Ctrl-Cs came so far. */
  get count(): number {
    return this.#count;
  }

  /** Stops listening; Node's default handling of SIGINT is back. */
  dispose(): void {
    this.emitter.off('SIGINT', this.#onSignal);
  }
}
