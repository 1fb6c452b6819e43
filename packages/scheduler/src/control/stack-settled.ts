/**
 * Waiting, after a remove, until the store shows nothing of a stack left to stop: every task
 * gone, ended, never placed, or on a node that is down or gone (no report can come from there,
 * so waiting for it would only wait out the timeout). The store is re-checked after each
 * committed write (not polled), and the wait is bounded by a timeout and an abort signal.
 */
import type { StateStoreEventSource, StateStoreReads } from '../store/state-store.js';
import { isSettled } from './store-views.js';

/** Whether every task of `stack` is settled (see `isSettled`) or on a node that cannot report. */
export function stackSettled(store: StateStoreReads, stack: string): boolean {
  return store.tasksOfStack(stack).every((task) => isSettled(task) || store.node(task.nodeId ?? '')?.state !== 'ready');
}

/**
 * Resolves true once `stack` is settled, false when `timeoutMs` passes or `signal` aborts first.
 * A timeout of 0 checks once.
 */
export function waitForStackSettled(
  store: StateStoreReads & StateStoreEventSource,
  stack: string,
  timeoutMs: number,
  signal?: AbortSignal,
): Promise<boolean> {
  if (stackSettled(store, stack)) return Promise.resolve(true);
  if (timeoutMs <= 0 || signal?.aborted === true) return Promise.resolve(false);
  return new Promise<boolean>((resolve) => {
    const finish = (settled: boolean): void => {
      clearTimeout(timer);
      store.off('committed', onCommit);
      signal?.removeEventListener('abort', onAbort);
      resolve(settled);
    };
    const onCommit = (): void => {
      // Never throw from a store listener: the store would rethrow it to the writer.
      try {
        if (stackSettled(store, stack)) finish(true);
      } catch {
        finish(false);
      }
    };
    const onAbort = (): void => finish(false);
    const timer = setTimeout(() => finish(false), timeoutMs);
    store.on('committed', onCommit);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
