// The node and cluster-CA calls through a real grpc-js server: NODE resolution, update, remove,
// loads, join token and admin certificates (with a fake authority), and what drain and pause
// do once the reconcile loop sees them.
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError } from '@berth/api';
import { ReconcileLoop } from '../controller/reconcile-loop.js';
import { node, svc } from '../reconcile/world.fixture.js';
import { MemoryStateStore } from '../store/memory-store.js';
import type { TaskRecord } from '../store/store-records.js';
import { sampleNode, sampleTask } from '../store/store.fixture.js';
import type { ControlAuthority } from './control-authority.js';
import { connectControl } from './control-client.js';
import { stackSpec, startControl, type ControlHarness } from './control.fixture.js';

let h: ControlHarness | undefined;
let loop: ReconcileLoop | undefined;
afterEach(async () => {
  loop?.stop();
  loop = undefined;
  await h?.close();
  h = undefined;
});

const DAY_MS = 86_400_000;

/** An authority that counts tokens and records what it was asked. */
function fakeAuthority(): ControlAuthority & { revoked: string[]; issued: Array<{ csrPem: string; validityMs: number | undefined }> } {
  let generation = 1;
  const revoked: string[] = [];
  const issued: Array<{ csrPem: string; validityMs: number | undefined }> = [];
  return {
    caFingerprint: 'ab'.repeat(32),
    joinToken: () => `BERTH-1-${'ab'.repeat(32)}-secret${generation}`,
    rotateJoinToken: () => `BERTH-1-${'ab'.repeat(32)}-secret${++generation}`,
    issueAdmin(csrPem, validityMs) {
      issued.push({ csrPem, validityMs });
      if (!csrPem.startsWith('-----BEGIN CERTIFICATE REQUEST-----')) return Promise.reject(new BerthError('USAGE', 'not a PEM certificate request'));
      return Promise.resolve({ certificatePem: `CERT for ${csrPem.length}`, caCertificatePem: 'CA', notAfter: new Date(1_000 + (validityMs ?? 90 * DAY_MS)) });
    },
    revoke: (nodeId) => void revoked.push(nodeId),
    revoked,
    issued,
  };
}

/** Nodes alpha (ready, 2 live tasks), beta (down, 1 live task), gamma (ready, none). */
async function withNodes(authority?: ControlAuthority): Promise<ControlHarness> {
  h = await startControl(authority !== undefined ? { authority } : {});
  h.store.putNode({ ...sampleNode('a1b2c3d4'), name: 'alpha' }, 40_000);
  h.store.putNode({ ...sampleNode('b1b2c3d4'), name: 'beta', state: 'down' }, 30_000);
  h.store.putNode({ ...sampleNode('c1b2c3d4'), name: 'gamma' }, 41_000);
  h.store.putTask(sampleTask('t1', 'demo', 'web', 1, 'a1b2c3d4'));
  h.store.putTask(sampleTask('t2', 'demo', 'web', 2, 'a1b2c3d4'));
  h.store.putTask(sampleTask('t3', 'demo', 'web', 3, 'b1b2c3d4'));
  return h;
}

describe('UpdateNode', () => {
  it('adds and removes labels and sets the availability of a node named by name, prefix or id', async () => {
    const { client, store } = await withNodes();
    const updated = await client.updateNode({ node: 'alpha', labelsAdd: { disk: 'ssd', zone: 'b' }, labelsRemove: [] });
    expect(updated).toMatchObject({ id: 'a1b2c3d4', name: 'alpha', labels: { zone: 'b', disk: 'ssd' }, availability: 'active', tasks: 2, running: 2 });
    expect(store.node('a1b2c3d4')?.labels).toEqual({ zone: 'b', disk: 'ssd' });

    const drained = await client.updateNode({ node: 'a1b2', labelsRemove: ['zone'], availability: 'drain' });
    expect(drained).toMatchObject({ labels: { disk: 'ssd' }, availability: 'drain' });
    expect(store.node('a1b2c3d4')).toMatchObject({ labels: { disk: 'ssd' }, availability: 'drain' });

    await client.updateNode({ node: 'a1b2c3d4', availability: 'active' });
    expect(store.node('a1b2c3d4')?.availability).toBe('active');
  });

  it('writes nothing when nothing changes, and refuses bad requests', async () => {
    const { client, store } = await withNodes();
    const before = store.revision;
    await expect(client.updateNode({ node: 'gamma', labelsAdd: { zone: 'a' } })).resolves.toMatchObject({ labels: { zone: 'a' } });
    expect(store.revision).toBe(before);
    await expect(client.updateNode({ node: 'gamma', labelsAdd: { 'a=b': '1' } })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(client.updateNode({ node: 'gamma' })).rejects.toMatchObject({ code: 'USAGE' });
    await expect(client.updateNode({ node: 'delta', availability: 'pause' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    // "1b2" is inside every id but the start of none: ids match by prefix only.
    await expect(client.updateNode({ node: '1b2', availability: 'pause' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    store.putNode({ ...sampleNode('a1000000'), name: 'alpha' });
    const ambiguous = client.updateNode({ node: 'alpha', availability: 'pause' });
    await expect(ambiguous).rejects.toMatchObject({ code: 'USAGE', message: expect.stringContaining('alpha (a1000000), alpha (a1b2c3d4)') });
    expect(store.revision).toBe(before + 1); // only the putNode
  });
});

describe('RemoveNode', () => {
  it('refuses a ready node without --force and leaves everything as it was', async () => {
    const authority = fakeAuthority();
    const { client, store } = await withNodes(authority);
    await expect(client.removeNode({ node: 'alpha' })).rejects.toMatchObject({
      code: 'CONFLICT',
      message: 'node alpha is ready; drain it first (berth node update --availability drain alpha) or use --force',
    });
    expect(store.node('a1b2c3d4')).toBeDefined();
    expect(authority.revoked).toEqual([]);
  });

  it('removes a ready node with --force, revokes its id and counts its live tasks', async () => {
    const authority = fakeAuthority();
    const { client, store, logs } = await withNodes(authority);
    await expect(client.removeNode({ node: 'a1b', force: true })).resolves.toEqual({ nodeId: 'a1b2c3d4', tasksMoved: 2 });
    expect(store.node('a1b2c3d4')).toBeUndefined();
    expect(authority.revoked).toEqual(['a1b2c3d4']);
    expect(logs.at(-1)).toBe('control: removed node alpha (a1b2c3d4) while it was ready (--force); 2 task(s) to place elsewhere');
    expect((await client.listNodes()).map((n) => n.name)).toEqual(['beta', 'gamma']);
  });

  it('removes a down node without --force; without an authority nothing is revoked', async () => {
    const { client, store } = await withNodes();
    await expect(client.removeNode({ node: 'beta' })).resolves.toEqual({ nodeId: 'b1b2c3d4', tasksMoved: 1 });
    expect(store.node('b1b2c3d4')).toBeUndefined();
    await expect(client.removeNode({ node: 'beta' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});

describe('ListNodes loads', () => {
  it('answers each node with its tasks, running tasks, reservations and last heartbeat', async () => {
    const { client, store } = await withNodes();
    // sampleTask's service reserves nothing; give the stack one that does.
    await client.deploy(stackSpec('demo', [svc('web', { deploy: { replicas: 3, resources: { reservations: { cpus: 0.25, memoryBytes: 2 ** 20 } } } })]));
    store.updateTask('t2', { status: { ...store.task('t2')!.status, state: 'starting' } });
    const nodes = await client.listNodes();
    expect(nodes.map((n) => [n.name, n.state, n.tasks, n.running, n.reservedCpus, n.reservedMemoryBytes, n.lastHeartbeatAt?.getTime()])).toEqual([
      ['alpha', 'ready', 2, 1, 0.5, 2 * 2 ** 20, 40_000],
      ['beta', 'down', 1, 1, 0.25, 2 ** 20, 30_000],
      ['gamma', 'ready', 0, 0, 0, 0, 41_000],
    ]);
  });
});

describe('GetJoinToken / IssueCertificate', () => {
  it('answers the token and the CA fingerprint, and rotates it', async () => {
    const authority = fakeAuthority();
    const { client, logs } = await withNodes(authority);
    expect(await client.joinToken()).toEqual({ token: `BERTH-1-${'ab'.repeat(32)}-secret1`, caFingerprint: 'ab'.repeat(32) });
    expect((await client.joinToken({ rotate: true })).token).toMatch(/-secret2$/);
    expect((await client.joinToken()).token).toMatch(/-secret2$/);
    expect(logs).toContain('control: join token rotated; the old one no longer admits nodes');
  });

  it('signs admin CSRs with the default or the asked-for validity, and refuses bad ones', async () => {
    const authority = fakeAuthority();
    const { client } = await withNodes(authority);
    const csrPem = '-----BEGIN CERTIFICATE REQUEST-----\nabc\n-----END CERTIFICATE REQUEST-----\n';
    const issued = await client.issueCertificate({ role: 'admin', csrPem });
    expect(issued).toEqual({ certificatePem: `CERT for ${csrPem.length}`, caCertificatePem: 'CA', notAfter: new Date(1_000 + 90 * DAY_MS) });
    await client.issueCertificate({ role: 'admin', csrPem, validityDays: 7 });
    expect(authority.issued.map((i) => i.validityMs)).toEqual([undefined, 7 * DAY_MS]);
    await expect(client.issueCertificate({ role: 'admin', csrPem: 'junk' })).rejects.toMatchObject({ code: 'USAGE', message: 'not a PEM certificate request' });
    await expect(client.issueCertificate({ role: 'admin', csrPem, validityDays: 4000 })).rejects.toMatchObject({ code: 'USAGE' });
    // A role other than admin (here UNSPECIFIED, as an older or confused client sends it).
    await expect(client.issueCertificate({ role: 'node' as 'admin', csrPem })).rejects.toMatchObject({ code: 'USAGE' });
    expect(authority.issued).toHaveLength(3);
  });

  it('is CONFLICT on a scheduler without a cluster CA', async () => {
    const { client } = await withNodes();
    await expect(client.joinToken()).rejects.toMatchObject({ code: 'CONFLICT', message: 'this scheduler has no cluster CA' });
    await expect(client.issueCertificate({ role: 'admin', csrPem: 'x' })).rejects.toMatchObject({ code: 'CONFLICT' });
  });
});

describe('connectControl over TCP', () => {
  it('needs TLS material for a TCP host', () => {
    for (const host of ['tcp://127.0.0.1:7400', '127.0.0.1:7400']) {
      expect(() => connectControl(host)).toThrow(
        expect.objectContaining({ code: 'USAGE', message: 'tcp://127.0.0.1:7400 needs a client certificate: --cert-dir or BERTH_CERT_DIR (berth cert create --admin)' }),
      );
    }
  });
});

describe('drain and pause through the reconcile loop', () => {
  const live = (tasks: TaskRecord[]): TaskRecord[] => tasks.filter((t) => t.desired === 'run');
  /** Plays the agents: every assigned task on a ready node runs. */
  const run = (store: MemoryStateStore): void =>
    store.transaction((tx) => {
      for (const t of tx.tasks()) if (t.desired === 'run' && t.status.state === 'assigned') tx.setTaskStatus({ ...t.status, state: 'running' });
    });

  async function cluster(): Promise<{ store: MemoryStateStore; loop: ReconcileLoop; h: ControlHarness }> {
    const store = new MemoryStateStore({ now: () => 5_000 });
    for (const id of ['n1', 'n2', 'n3']) store.putNode(node(id), 5_000);
    let n = 0;
    loop = new ReconcileLoop(store, { now: () => 5_000, newId: () => `t${String(++n).padStart(3, '0')}`, debounceMs: 1, periodMs: 60_000 });
    loop.start();
    h = await startControl({ store });
    await h.client.deploy(stackSpec('app', [svc('web', { deploy: { replicas: 6 } })]));
    await loop.idle();
    run(store);
    await loop.idle();
    return { store, loop, h };
  }

  it('drain: the node s tasks are told to stop and replaced on the other nodes', async () => {
    const { store, loop: l, h: harness } = await cluster();
    const onN1 = live(store.tasksOnNode('n1'));
    expect(onN1.length).toBe(2); // spread: 2 per node

    await harness.client.updateNode({ node: 'host-n1', availability: 'drain' });
    await l.idle();

    for (const old of onN1) expect(store.task(old.id)?.desired).toBe('stop');
    const tasks = live(store.tasks());
    expect(tasks.map((t) => t.slot).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    expect(tasks.every((t) => t.nodeId === 'n2' || t.nodeId === 'n3')).toBe(true);
    expect((await harness.client.listNodes()).find((n) => n.id === 'n1')).toMatchObject({ availability: 'drain', tasks: 0 });
  });

  it('pause: running tasks stay, nothing new is placed there', async () => {
    const { store, loop: l, h: harness } = await cluster();
    const onN1 = live(store.tasksOnNode('n1')).map((t) => t.id);

    await harness.client.updateNode({ node: 'n1', availability: 'pause' });
    await l.idle();
    expect(live(store.tasksOnNode('n1')).map((t) => t.id)).toEqual(onN1);

    await harness.client.deploy(stackSpec('app', [svc('web', { deploy: { replicas: 12 } })]));
    await l.idle();
    const tasks = live(store.tasks());
    expect(tasks).toHaveLength(12);
    expect(live(store.tasksOnNode('n1')).map((t) => t.id)).toEqual(onN1);
    expect(tasks.filter((t) => t.nodeId === 'n2' || t.nodeId === 'n3')).toHaveLength(10);
  });
});
