import { describe, expect, it } from 'vitest';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { stackSettled, waitForStackSettled } from './stack-settled.js';

function storeWithRunningTask(): MemoryStateStore {
  const store = new MemoryStateStore();
  store.putNode(sampleNode('n1'));
  store.putTask(sampleTask('t1', 'demo', 'web', 1, 'n1'));
  store.putTask(sampleTask('t2', 'demo', 'web', 2)); // never placed
  return store;
}

describe('stackSettled', () => {
  it('waits for a running task on a ready node, not for one never placed', () => {
    const store = storeWithRunningTask();
    expect(stackSettled(store, 'demo')).toBe(false);
    store.setTaskStatus(sampleStatus('t1', 'stopped'));
    expect(stackSettled(store, 'demo')).toBe(true);
  });

  it('does not wait for a task whose node is down or gone', () => {
    const store = storeWithRunningTask();
    store.updateNode('n1', { state: 'down' });
    expect(stackSettled(store, 'demo')).toBe(true);
    store.updateNode('n1', { state: 'ready' });
    expect(stackSettled(store, 'demo')).toBe(false);
    store.removeNode('n1');
    expect(stackSettled(store, 'demo')).toBe(true);
  });

  it('is settled for a stack with no tasks at all', () => {
    expect(stackSettled(new MemoryStateStore(), 'none')).toBe(true);
  });
});

describe('waitForStackSettled', () => {
  it('resolves true on the write that settles the stack, and stops listening', async () => {
    const store = storeWithRunningTask();
    const waiting = waitForStackSettled(store, 'demo', 10_000);
    expect(store.listenerCount('committed')).toBe(1);
    store.setTaskStatus(sampleStatus('t1', 'exited'));
    await expect(waiting).resolves.toBe(true);
    expect(store.listenerCount('committed')).toBe(0);
  });

  it('resolves false on timeout or abort', async () => {
    const store = storeWithRunningTask();
    await expect(waitForStackSettled(store, 'demo', 10)).resolves.toBe(false);
    const controller = new AbortController();
    const waiting = waitForStackSettled(store, 'demo', 10_000, controller.signal);
    controller.abort();
    await expect(waiting).resolves.toBe(false);
    expect(store.listenerCount('committed')).toBe(0);
  });
});
