/**
 * Removals before starts. In a complete set (a reconnect) every removal has sent its stop before
 * anything starts: a node back from a partition stops its stale tasks first, and a replacement
 * can take the port of the task it replaces. Starts wait until each removal's stop is *sent*,
 * not until it is done, so one workload with a long stop grace does not hold every start.
 */

/** The removals of one set, and the starts that wait for them; inactive for incremental sets. */
export class RemovalBarrier {
  readonly #active: boolean;
  readonly #sent: Promise<void>[] = [];

  /** A barrier that holds starts back only when `active`. */
  constructor(active: boolean) {
    this.#active = active;
  }

  /** Registers a removal; call the returned function once its stop has been sent. */
  removal(): () => void {
    if (!this.#active) return () => {};
    let sent = (): void => {};
    this.#sent.push(new Promise<void>((resolve) => (sent = resolve)));
    return sent;
  }

  /**
   * `start`, made to wait (when active) until every removal registered by the time it runs has
   * sent its stop. Operations run asynchronously, so removals registered later in the same
   * synchronous pass over a set are waited for too.
   */
  after(start: () => Promise<void>): () => Promise<void> {
    if (!this.#active) return start;
    return async () => {
      await Promise.all(this.#sent);
      await start();
    };
  }
}
