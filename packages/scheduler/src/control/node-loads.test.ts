import { describe, expect, it } from 'vitest';
import { deployed, node, status, svc, task } from '../reconcile/world.fixture.js';
import { MemoryStateStore } from '../store/memory-store.js';
import { nodeLoads } from './node-loads.js';

const MiB = 2 ** 20;

describe('nodeLoads', () => {
  it('sums live tasks, running ones and their services reservations per node', () => {
    const store = new MemoryStateStore({ now: () => 1_000 });
    store.putNode(node('n1'), 7_000);
    store.putNode(node('n2'), 8_000);
    store.putNode(node('n3'), 9_000);
    const app = deployed('app', [
      svc('web', { deploy: { replicas: 3, resources: { reservations: { cpus: 0.1, memoryBytes: 64 * MiB } } } }),
      svc('db', { deploy: { resources: { reservations: { cpus: 0.2 } } } }),
      svc('cache'), // reserves nothing
    ]);
    store.putStack(app);
    const hash = (service: string): string => app.services[service]!.hash;
    const web = { service: 'web', specHash: hash('web') };
    store.putTask(task('w1', { ...web, slot: 1, nodeId: 'n1' }));
    store.putTask(task('w2', { ...web, slot: 2, nodeId: 'n1', status: status('w2', 'starting') }));
    store.putTask(task('w3', { ...web, slot: 3, nodeId: 'n2' }));
    store.putTask(task('d1', { service: 'db', specHash: hash('db'), nodeId: 'n1' }));
    store.putTask(task('c1', { service: 'cache', specHash: hash('cache'), nodeId: 'n2' }));
    // None of these holds anything: ended, told to stop, or not placed.
    store.putTask(task('w0', { ...web, slot: 1, nodeId: 'n2', status: status('w0', 'failed') }));
    store.putTask(task('w9', { ...web, slot: 9, nodeId: 'n2', desired: 'stop' }));
    store.putTask(task('w4', { ...web, slot: 4 }));
    // Its stack is gone: it counts as a task but reserves nothing (placement does the same).
    store.putTask(task('o1', { stack: 'old', service: 'x', specHash: 'h', nodeId: 'n3' }));

    const loads = nodeLoads(store, [store.node('n1')!, store.node('n2')!, store.node('n3')!]);
    expect(loads).toEqual([
      { nodeId: 'n1', tasks: 3, running: 2, reservedCpus: 0.4, reservedMemoryBytes: 128 * MiB, lastHeartbeatAt: new Date(7_000) },
      { nodeId: 'n2', tasks: 2, running: 2, reservedCpus: 0.1, reservedMemoryBytes: 64 * MiB, lastHeartbeatAt: new Date(8_000) },
      { nodeId: 'n3', tasks: 1, running: 1, reservedCpus: 0, reservedMemoryBytes: 0, lastHeartbeatAt: new Date(9_000) },
    ]);
  });
});
