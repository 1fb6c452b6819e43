// The list calls through a real grpc-js server, against a hand-written store.
import { afterEach, describe, expect, it } from 'vitest';
import type { Task } from '../reconcile/model.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { serviceSpec, stackSpec, startControl, type ControlHarness } from './control.fixture.js';

let h: ControlHarness;
afterEach(async () => {
  await h.close();
});

/** demo: web ×2 (one running on n1, one pending), db ×1 (exited on n2, plus a stopped old task); nodes n1, n2. */
async function populated(): Promise<ControlHarness> {
  h = await startControl();
  await h.client.deploy(stackSpec('demo', [serviceSpec('web', { image: 'web:1' }), serviceSpec('db', {}, { replicas: 1 })]));
  await h.client.deploy(stackSpec('blog', [serviceSpec('app', {}, { mode: 'global' })]));
  h.store.putNode({ ...sampleNode('n1'), name: 'alpha' }, 40_000);
  h.store.putNode({ ...sampleNode('n2'), name: 'beta', state: 'down' }, 30_000);
  const exited: Task = { ...sampleTask('d1', 'demo', 'db', 1, 'n2'), status: { ...sampleStatus('d1', 'exited'), exitCode: 3 } };
  const old: Task = { ...sampleTask('d0', 'demo', 'db', 1, 'n2'), desired: 'stop', status: sampleStatus('d0', 'stopped'), createdAt: 500 };
  h.store.putTask(sampleTask('w1', 'demo', 'web', 1, 'n1'));
  h.store.putTask({ ...sampleTask('w2', 'demo', 'web', 2), pendingReason: 'no suitable node (1 node down; 1 node lacks label zone=a)' });
  h.store.putTask(exited);
  h.store.putTask(old);
  h.store.putTask({ ...sampleTask('a1', 'blog', 'app', 0, 'n1'), forNode: 'n1' });
  return h;
}

describe('ListTasks', () => {
  it('lists tasks by stack, service and slot with node names, states and pending reasons', async () => {
    const { client } = await populated();
    const tasks = await client.listTasks({ stack: 'demo' });
    expect(tasks.map((t) => [t.service, t.slot, t.id])).toEqual([
      ['db', 1, 'd0'],
      ['db', 1, 'd1'],
      ['web', 1, 'w1'],
      ['web', 2, 'w2'],
    ]);
    const [d0, d1, w1, w2] = tasks;
    expect(w1).toEqual({
      id: 'w1',
      stack: 'demo',
      service: 'web',
      slot: 1,
      nodeId: 'n1',
      nodeName: 'alpha',
      desired: 'run',
      state: 'running',
      health: 'none',
      restarts: 0,
      message: '',
      since: 2_000,
      ports: [{ target: 8080, published: 18080, hostIp: '0.0.0.0', protocol: 'tcp' }],
    });
    expect(w2).toMatchObject({ state: 'pending', message: 'no suitable node (1 node down; 1 node lacks label zone=a)' });
    expect(w2?.nodeId).toBeUndefined();
    expect(d1).toMatchObject({ nodeName: 'beta', state: 'exited', exitCode: 3 });
    expect(d0).toMatchObject({ desired: 'stop', state: 'stopped' });
  });

  it('filters by service, lists everything unfiltered, and is NOT_FOUND for unknown names', async () => {
    const { client } = await populated();
    expect((await client.listTasks({ stack: 'demo', service: 'web' })).map((t) => t.id)).toEqual(['w1', 'w2']);
    expect((await client.listTasks()).map((t) => t.id)).toEqual(['a1', 'd0', 'd1', 'w1', 'w2']);
    await expect(client.listTasks({ stack: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await expect(client.listTasks({ stack: 'demo', service: 'nope' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ListServices / ListStacks / ListNodes', () => {
  it('counts desired against running replicas', async () => {
    const { client } = await populated();
    const services = await client.listServices();
    expect(services.map((s) => [s.stack, s.name, s.mode, s.replicasDesired, s.replicasRunning])).toEqual([
      ['blog', 'app', 'global', 1, 1],
      ['demo', 'db', 'replicated', 1, 0],
      ['demo', 'web', 'replicated', 2, 1],
    ]);
    expect(services[2]).toMatchObject({ image: 'web:1', ports: [{ target: 8080, published: 18080, protocol: 'tcp', mode: 'host' }] });
    expect((await client.listServices('demo')).map((s) => s.name)).toEqual(['db', 'web']);
    await expect(client.listServices('nope')).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it('summarizes stacks', async () => {
    const { client, store } = await populated();
    expect(await client.listStacks()).toEqual([
      { name: 'blog', services: 1, tasksDesired: 1, tasksRunning: 1, revision: store.stack('blog')?.revision },
      { name: 'demo', services: 2, tasksDesired: 3, tasksRunning: 1, revision: store.stack('demo')?.revision },
    ]);
  });

  it('lists nodes with their live task counts and last heartbeats', async () => {
    const { client } = await populated();
    const nodes = await client.listNodes();
    expect(nodes.map((n) => [n.id, n.name, n.state, n.tasks, n.running, n.lastHeartbeatAt?.getTime()])).toEqual([
      ['n1', 'alpha', 'ready', 2, 2, 40_000],
      ['n2', 'beta', 'down', 0, 0, 30_000], // exited and stopped tasks hold nothing
    ]);
    expect(nodes[0]).toMatchObject({ cpus: 4, labels: { zone: 'a' }, drivers: [{ name: 'docker', available: true, message: '27.1' }] });
  });

  it('answers ping', async () => {
    const { client } = await populated();
    await expect(client.ping()).resolves.toBeUndefined();
    await expect(client.waitUntilReady(2_000)).resolves.toBeUndefined();
  });
});
