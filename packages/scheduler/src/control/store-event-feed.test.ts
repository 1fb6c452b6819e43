import { describe, expect, it } from 'vitest';
import { planDeploy } from './deploy-plan.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { serviceSpec, stackSpec } from './control.fixture.js';
import { watchStoreEvents } from './store-event-feed.js';
import type { BerthEvent } from './views.js';

function watched(stack?: string): { store: MemoryStateStore; events: BerthEvent[]; stop: () => void } {
  const store = new MemoryStateStore({ now: () => 1 });
  const events: BerthEvent[] = [];
  const stop = watchStoreEvents(store, { ...(stack !== undefined ? { stack } : {}), now: () => 7, emit: (e) => events.push(e) });
  return { store, events, stop };
}

const deployed = (replicas = 2, image = 'registry.local/web:1') =>
  planDeploy(stackSpec('demo', [serviceSpec('web', { image }, { replicas }), serviceSpec('db')]), undefined).desired;

describe('watchStoreEvents', () => {
  it('tells a deploy, a scale, an update and a remove apart', () => {
    const { store, events } = watched();
    store.putStack(deployed());
    store.putStack(planDeploy(deployed(5).spec, store.stack('demo')).desired);
    store.putStack(planDeploy(deployed(5, 'web:2').spec, store.stack('demo')).desired);
    store.removeStack('demo');
    expect(events).toEqual([
      { time: 7, kind: 'deploy', stack: 'demo', message: 'deployed (db, web)' },
      { time: 7, kind: 'scale', stack: 'demo', message: 'web=5' },
      { time: 7, kind: 'deploy', stack: 'demo', message: 'updated (web updated)' },
      { time: 7, kind: 'remove', stack: 'demo', message: 'removed' },
    ]);
  });

  it('reports task state, health and pending-reason changes, not bookkeeping', () => {
    const { store, events } = watched();
    store.putTask(sampleTask('t1', 'demo', 'web', 1)); // pending, 'no suitable node'
    store.updateTask('t1', { nodeId: 'n1', pendingReason: undefined, status: sampleStatus('t1', 'assigned') });
    store.setTaskStatus(sampleStatus('t1', 'running'));
    store.setTaskStatus({ ...sampleStatus('t1', 'running'), health: 'unhealthy' });
    store.setTaskStatus({ ...sampleStatus('t1', 'running'), health: 'unhealthy', restarts: 0 }); // same again: nothing
    store.setTaskStatus({ ...sampleStatus('t1', 'failed'), exitCode: 137, message: 'OOM killed' });
    store.removeTask('t1');
    const ids = { stack: 'demo', service: 'web', taskId: 't1' };
    expect(events).toEqual([
      { time: 7, kind: 'task-state', ...ids, message: 'pending: no suitable node' },
      { time: 7, kind: 'task-state', ...ids, nodeId: 'n1', message: 'assigned' },
      { time: 7, kind: 'task-state', ...ids, nodeId: 'n1', message: 'running' },
      { time: 7, kind: 'task-state', ...ids, nodeId: 'n1', message: 'health: unhealthy' },
      { time: 7, kind: 'task-state', ...ids, nodeId: 'n1', message: 'failed (exit code 137): OOM killed' },
      { time: 7, kind: 'task-state', ...ids, nodeId: 'n1', message: 'removed' },
    ]);
  });

  it('reports nodes registering, going down and draining, but not heartbeats', () => {
    const { store, events } = watched();
    store.putNode(sampleNode('n1'));
    store.heartbeat('n1', 5);
    store.updateNode('n1', { state: 'down' });
    store.updateNode('n1', { availability: 'drain' });
    store.removeNode('n1');
    expect(events.map((e) => [e.kind, e.nodeId, e.message])).toEqual([
      ['node-state', 'n1', 'registered (ready)'],
      ['node-state', 'n1', 'down'],
      ['node-state', 'n1', 'availability: drain'],
      ['node-state', 'n1', 'removed'],
    ]);
  });

  it('passes only the filtered stack, and stops when told', () => {
    const { store, events, stop } = watched('demo');
    store.putNode(sampleNode('n1'));
    store.putTask(sampleTask('a', 'other', 'web', 1, 'n1'));
    store.putTask(sampleTask('b', 'demo', 'web', 1, 'n1'));
    expect(events.map((e) => e.taskId)).toEqual(['b']);
    stop();
    store.putTask(sampleTask('c', 'demo', 'web', 2, 'n1'));
    expect(events).toHaveLength(1);
  });

  it('never makes the store write fail when the consumer throws', () => {
    const store = new MemoryStateStore();
    watchStoreEvents(store, { now: () => 1, emit: () => { throw new Error('closed stream'); } });
    expect(() => store.putTask(sampleTask('a', 'demo', 'web', 1))).not.toThrow();
    expect(store.task('a')).toBeDefined();
  });
});
