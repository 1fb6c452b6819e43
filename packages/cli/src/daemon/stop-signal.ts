/** Waiting for the signal that ends a foreground server command (`scheduler`, `daemon`). */

/** Resolves with the first SIGINT or SIGTERM received; the listeners are removed after it. */
export function stopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM'];
    const handler = (signal: NodeJS.Signals): void => {
      for (const s of signals) process.off(s, handler);
      resolve(signal);
    };
    for (const s of signals) process.on(s, handler);
  });
}
