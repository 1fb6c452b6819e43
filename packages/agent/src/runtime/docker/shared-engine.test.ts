// Two agents sharing one Docker engine, against a stand-in engine on a unix socket: each may
// touch only containers labelled with its own node id, and racing over a stack's network is fine.
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { fakeServiceSpec, fakeTaskDescriptor } from '../fake/fake-task.js';
import { recoverContainers } from './container-recovery.js';
import { createDockerClient } from './docker-client.js';
import { DockerDriver } from './docker-driver.js';
import { networkToKeep, settleDuplicateNetworks } from './duplicate-networks.js';
import { cleanupStackResources } from './stack-cleanup.js';
import { StackResources } from './stack-resources.js';

type Handler = (method: string, url: URL, res: ServerResponse) => void;

const cleanups: (() => void)[] = [];
afterEach(() => {
  for (const c of cleanups.splice(0)) c();
});

function json(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

/** An engine answering with `handle`; records `METHOD /path` of every request. */
async function fakeEngine(handle: Handler): Promise<{ docker: ReturnType<typeof createDockerClient>; calls: string[] }> {
  const dir = mkdtempSync(path.join(tmpdir(), 'berth-shared-engine-'));
  const socketPath = path.join(dir, 'docker.sock');
  const calls: string[] = [];
  const server = createServer((req: IncomingMessage, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    calls.push(`${req.method} ${url.pathname}`);
    req.resume();
    req.on('end', () => handle(req.method ?? '', url, res));
  });
  await new Promise<void>((resolve) => server.listen(socketPath, resolve));
  cleanups.push(() => {
    server.closeAllConnections();
    server.close();
    rmSync(dir, { recursive: true, force: true });
  });
  return { docker: createDockerClient({ DOCKER_HOST: `unix://${socketPath}` }), calls };
}

describe('agents sharing one engine', () => {
  const spec = fakeServiceSpec({ image: 'berth-test/busybox:latest' });
  const task = fakeTaskDescriptor('task-0001', spec, 'node-a');

  function nameTaken(owner: string): Handler {
    return (method, url, res) => {
      if (method === 'POST' && url.pathname === '/containers/create') return json(res, 409, { message: 'Conflict. The container name is already in use' });
      if (method === 'GET' && url.pathname.endsWith('/json')) {
        return json(res, 200, { Id: 'f'.repeat(64), Config: { Labels: { 'io.berth.task': 'task-0001', 'io.berth.node': owner } } });
      }
      if (method === 'DELETE') return json(res, 204, {});
      return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
    };
  }

  it("never removes another node's container that holds the task's name", async () => {
    const engine = await fakeEngine(nameTaken('node-b'));
    const driver = new DockerDriver({ docker: engine.docker });
    await expect(driver.start(task)).rejects.toThrow(/creating container/);
    expect(engine.calls.filter((c) => c.startsWith('DELETE'))).toEqual([]);
  });

  it("replaces this node's own leftover of the task", async () => {
    const engine = await fakeEngine(nameTaken('node-a'));
    const driver = new DockerDriver({ docker: engine.docker });
    // The second create fails too (the stand-in always conflicts), but only after the leftover went.
    await expect(driver.start(task)).rejects.toThrow(/creating container/);
    expect(engine.calls.filter((c) => c.startsWith('DELETE'))).toEqual([`DELETE /containers/${'f'.repeat(64)}`]);
  });

  it('recovers only containers labelled with its own node id', async () => {
    const filters: string[] = [];
    const engine = await fakeEngine((method, url, res) => {
      if (url.pathname === '/containers/json') {
        filters.push(url.searchParams.get('filters') ?? '');
        // An engine that ignored the filter: the labels are checked again.
        const labels = { 'io.berth.stack': 's', 'io.berth.service': 'web', 'io.berth.task': 't', 'io.berth.slot': '1', 'io.berth.node': 'node-b' };
        return json(res, 200, [{ Id: 'c1', Labels: labels, Created: 1 }]);
      }
      return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
    });
    expect(await recoverContainers(engine.docker, 'node-a', 'test engine')).toEqual([]);
    expect(JSON.parse(filters[0] ?? '{}')).toEqual({ label: ['io.berth.node=node-a'] });
  });

  it('two agents creating the same stack network at once both succeed', async () => {
    let created = false;
    const engine = await fakeEngine((method, url, res) => {
      if (method === 'GET' && url.pathname === '/networks/test_default') return json(res, 404, { message: 'network test_default not found' });
      if (method === 'POST' && url.pathname === '/networks/create') {
        if (created) return json(res, 409, { message: 'network with name test_default already exists' });
        created = true;
        return json(res, 201, { Id: 'n1' });
      }
      // The 409 held: after both creates there is one network of the name.
      if (method === 'GET' && url.pathname === '/networks') return json(res, 200, created ? [{ Id: 'n1', Name: 'test_default' }] : []);
      if (method === 'GET' && url.pathname === '/networks/n1') return json(res, 200, { Id: 'n1', Containers: {} });
      return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
    });
    const withNetwork = { ...task, spec: { ...spec, networks: { default: { aliases: [] } } } } as typeof task;
    const agentA = new StackResources(engine.docker, 'test engine');
    const agentB = new StackResources(engine.docker, 'test engine');
    await expect(Promise.all([agentA.ensureFor(withNetwork), agentB.ensureFor({ ...withNetwork, ref: { ...withNetwork.ref, nodeId: 'node-b' } })])).resolves.toBeDefined();
    expect(engine.calls.filter((c) => c === 'POST /networks/create')).toHaveLength(2);
  });

  it("keeps a stack network another node's container still uses", async () => {
    const engine = await fakeEngine((method, url, res) => {
      if (method === 'GET' && url.pathname === '/networks') return json(res, 200, [{ Id: 'n1', Name: 'test_default' }]);
      if (method === 'GET' && url.pathname === '/networks/n1') return json(res, 200, { Id: 'n1', Containers: { c9: {} } });
      return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
    });
    const report = await cleanupStackResources(engine.docker, 'test', { removeVolumes: false }, 'test engine');
    expect(report).toEqual({ removed: [], kept: ['network test_default: still used by 1 container'] });
    expect(engine.calls.filter((c) => c.startsWith('DELETE'))).toEqual([]);
  });

  describe('same-named network twins (engines before API 1.44 can create them in a race)', () => {
    const ours = { 'io.berth.stack': 'test', 'io.berth.network': 'default' };
    /** An engine holding `nets` (id → attached containers, labels); DELETE removes one. */
    function twinsEngine(nets: Map<string, { endpoints: number; labels: Record<string, string>; name?: string }>): Handler {
      return (method, url, res) => {
        const id = url.pathname.split('/')[2] ?? '';
        if (method === 'GET' && url.pathname === '/networks') {
          return json(res, 200, [...nets].map(([netId, n]) => ({ Id: netId, Name: n.name ?? 'test_default' })));
        }
        if (method === 'GET' && url.pathname === '/networks/test_default') {
          return json(res, 400, { message: `${nets.size} matches found based on name: network test_default is ambiguous` });
        }
        const net = nets.get(id);
        if (net === undefined) return json(res, 404, { message: `network ${id} not found` });
        if (method === 'GET') return json(res, 200, { Id: id, Labels: net.labels, Containers: Object.fromEntries(Array.from({ length: net.endpoints }, (_, i) => [`c${i}`, {}])) });
        if (method === 'DELETE') {
          nets.delete(id);
          return json(res, 204, {});
        }
        return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
      };
    }

    it('keeps the twin in use, else the lowest id', () => {
      expect(networkToKeep([{ id: 'b', endpoints: 0, ours: true }, { id: 'a', endpoints: 0, ours: true }])).toBe('a');
      expect(networkToKeep([{ id: 'a', endpoints: 0, ours: true }, { id: 'b', endpoints: 2, ours: true }])).toBe('b');
      expect(networkToKeep([])).toBeUndefined();
    });

    it('removes the idle twin and leaves the one in use and a longer-named network alone', async () => {
      const nets = new Map([
        ['n-a', { endpoints: 0, labels: ours }],
        ['n-b', { endpoints: 1, labels: ours }],
        ['n-c', { endpoints: 0, labels: ours, name: 'test_default2' }],
      ]);
      const engine = await fakeEngine(twinsEngine(nets));
      await settleDuplicateNetworks(engine.docker, 'test_default', 'test', 'test engine');
      expect([...nets.keys()]).toEqual(['n-b', 'n-c']);
      expect(engine.calls.filter((c) => c.startsWith('DELETE'))).toEqual(['DELETE /networks/n-a']);
    });

    it("never removes a person's network of the same name, and says what to do", async () => {
      const nets = new Map([
        ['n-a', { endpoints: 0, labels: {} }],
        ['n-b', { endpoints: 1, labels: ours }],
      ]);
      const engine = await fakeEngine(twinsEngine(nets));
      await expect(settleDuplicateNetworks(engine.docker, 'test_default', 'test', 'test engine')).rejects.toThrow(
        'network "test_default" exists 2 times on the engine at test engine and berth cannot tell which to use; remove the extra ones (docker network ls --filter name=test_default)',
      );
      expect(nets.size).toBe(2);
    });

    it('a task that finds its network ambiguous settles the twins and goes on', async () => {
      const nets = new Map([
        ['n-b', { endpoints: 0, labels: ours }],
        ['n-a', { endpoints: 0, labels: ours }],
      ]);
      const engine = await fakeEngine(twinsEngine(nets));
      const withNetwork = { ...task, spec: { ...spec, networks: { default: { aliases: [] } } } } as typeof task;
      await new StackResources(engine.docker, 'test engine').ensureFor(withNetwork);
      expect([...nets.keys()]).toEqual(['n-a']);
    });
  
    it('a start that loses the race settles the network and starts once more', async () => {
      let starts = 0;
      const engine = await fakeEngine((method, url, res) => {
        if (method === 'POST' && url.pathname === '/containers/create') return json(res, 201, { Id: 'c1' });
        if (method === 'POST' && url.pathname === '/containers/c1/start') {
          starts += 1;
          return starts === 1 ? json(res, 400, { message: 'network test_default is ambiguous (2 matches found on name)' }) : json(res, 204, {});
        }
        if (method === 'DELETE' && url.pathname === '/containers/c1') return json(res, 204, {});
        if (method === 'GET' && url.pathname === '/networks/test_default') return json(res, 200, { Id: 'n1' });
        return json(res, 500, { message: `unexpected ${method} ${url.pathname}` });
      });
      const withNetwork = { ...task, spec: { ...spec, networks: { default: { aliases: [] } } } } as typeof task;
      const handle = await new DockerDriver({ docker: engine.docker }).start(withNetwork);
      expect(handle.id).toBe('c1');
      expect(engine.calls).toEqual([
        'POST /containers/create',
        'POST /containers/c1/start',
        'DELETE /containers/c1',
        'GET /networks/test_default',
        'POST /containers/create',
        'POST /containers/c1/start',
      ]);
    });
  });
});
