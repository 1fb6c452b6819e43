// Deploy, scale and remove through a real grpc-js server on a unix socket, checked against the store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { BerthError, isBerthError } from '@berth/api';
import { SqliteStateStore } from '../store/sqlite-store.js';
import type { StackChange } from '../store/store-events.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { serviceSpec, stackSpec, startControl, type ControlHarness } from './control.fixture.js';

const harnesses: ControlHarness[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const h of harnesses.splice(0)) await h.close();
  for (const c of cleanups.splice(0)) c();
});

async function harness(options: Parameters<typeof startControl>[0] = {}): Promise<ControlHarness> {
  const h = await startControl(options);
  harnesses.push(h);
  return h;
}

async function rejection(promise: Promise<unknown>): Promise<BerthError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!isBerthError(error)) throw new Error(`expected a BerthError, got ${String(error)}`);
  return error;
}

const demo = (web = serviceSpec('web'), db = serviceSpec('db')) => stackSpec('demo', [web, db]);

describe('Deploy', () => {
  it('stores a new stack, and a second deploy of the same spec writes nothing', async () => {
    const { client, store } = await harness();
    const first = await client.deploy(demo());
    expect(first.changes.map((c) => [c.service, c.kind])).toEqual([['db', 'created'], ['web', 'created']]);
    expect(first.revision).toBe(store.revision);
    expect(store.stack('demo')?.services['web']?.generation).toBe(1);
    expect(store.stack('demo')?.spec).toEqual(demo());

    const writes: StackChange[] = [];
    store.on('stack-changed', (c: StackChange) => writes.push(c));
    const revision = store.revision;
    const again = await client.deploy(demo());
    expect(again.changes.every((c) => c.kind === 'unchanged')).toBe(true);
    expect(again.revision).toBe(first.revision);
    expect(store.revision).toBe(revision);
    expect(writes).toEqual([]);
  });

  it('updates a changed service (generation + 1), scales without a new generation, removes a dropped one', async () => {
    const { client, store } = await harness();
    await client.deploy(demo());
    const updated = await client.deploy(demo(serviceSpec('web', { image: 'web:2' })));
    expect(updated.changes).toContainEqual({ service: 'web', kind: 'updated', changedFields: ['image'] });
    expect(updated.changes).toContainEqual({ service: 'db', kind: 'unchanged', changedFields: [] });
    expect(store.stack('demo')?.services['web']?.generation).toBe(2);
    expect(store.stack('demo')?.services['db']?.generation).toBe(1);
    expect(updated.revision).toBe(store.stack('demo')?.revision);

    const scaled = await client.deploy(demo(serviceSpec('web', { image: 'web:2' }, { replicas: 7 })));
    expect(scaled.changes).toContainEqual({ service: 'web', kind: 'updated', changedFields: ['deploy.replicas'] });
    expect(store.stack('demo')?.services['web']?.generation).toBe(2);

    const dropped = await client.deploy(stackSpec('demo', [serviceSpec('web', { image: 'web:2' }, { replicas: 7 })]));
    expect(dropped.changes).toContainEqual({ service: 'db', kind: 'removed', changedFields: [] });
    expect(Object.keys(store.stack('demo')?.services ?? {})).toEqual(['web']);
  });

  it('reports a dry run without writing', async () => {
    const { client, store } = await harness();
    const result = await client.deploy(demo(), { dryRun: true });
    expect(result).toEqual({ changes: expect.arrayContaining([{ service: 'web', kind: 'created', changedFields: [] }]), revision: 0 });
    expect(store.revision).toBe(0);
    expect(store.stack('demo')).toBeUndefined();
  });

  it('rejects unknown placement fields with every problem, leaving the store untouched', async () => {
    const { client, store } = await harness();
    await client.deploy(demo());
    const revision = store.revision;
    const bad = (field: string) => ({ constraints: [{ field, op: '==' as const, value: 'x' }], spread: [], maxReplicasPerNode: 0 });
    const error = await rejection(client.deploy(demo(serviceSpec('web', { image: 'web:9' }, { placement: bad('node.zone') }), serviceSpec('db', {}, { placement: bad('node.rack') }))));
    expect(error.code).toBe('STACK_INVALID');
    expect(error.message).toContain('2 problems');
    expect(error.message).toContain('services.web.deploy.placement.constraints[0]: unknown placement field "node.zone"');
    expect(error.message).toContain('services.db.deploy.placement.constraints[0]: unknown placement field "node.rack"');
    expect(error.context['problems']).toHaveLength(2);
    expect(store.revision).toBe(revision);
    expect(store.stack('demo')?.spec.services['web']?.image).toBe('registry.local/web:1');
  });

  it('rejects a reservation no ready node can hold', async () => {
    const { client, store } = await harness();
    store.putNode(sampleNode('n1'));
    const revision = store.revision;
    const error = await rejection(client.deploy(demo(serviceSpec('web', {}, { resources: { limits: {}, reservations: { cpus: 16 } } }))));
    expect(error.code).toBe('STACK_INVALID');
    expect(error.message).toContain('services.web.deploy.resources.reservations.cpus: reserves 16 cpus');
    expect(store.revision).toBe(revision);
  });

  it('survives in a SQLite store: a re-deploy after reopening changes nothing', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'berth-control-sqlite-'));
    cleanups.push(() => rmSync(dataDir, { recursive: true, force: true }));
    const first = SqliteStateStore.open({ dataDir });
    const h1 = await harness({ store: first });
    await h1.client.deploy(demo());
    harnesses.splice(harnesses.indexOf(h1), 1);
    await h1.close();
    first.close();

    const reopened = SqliteStateStore.open({ dataDir });
    cleanups.unshift(() => reopened.close());
    const { client } = await harness({ store: reopened });
    const revision = reopened.revision;
    expect(revision).toBeGreaterThan(0);
    const again = await client.deploy(demo());
    expect(again.changes.every((c) => c.kind === 'unchanged')).toBe(true);
    expect(reopened.revision).toBe(revision);
  });
});

describe('Scale', () => {
  it('changes replicas only and refuses unknown or global services', async () => {
    const { client, store } = await harness();
    await client.deploy(stackSpec('demo', [serviceSpec('web'), serviceSpec('agent', {}, { mode: 'global' })]));
    const before = store.stack('demo');
    const changes = await client.scale('demo', [{ service: 'web', replicas: 5 }]);
    expect(changes).toEqual([{ service: 'web', kind: 'updated', changedFields: ['deploy.replicas'] }]);
    const after = store.stack('demo');
    expect(after?.spec.services['web']?.deploy.replicas).toBe(5);
    expect(after?.services['web']?.generation).toBe(before?.services['web']?.generation);
    expect({ ...after?.spec.services['web'], deploy: undefined }).toEqual({ ...before?.spec.services['web'], deploy: undefined });

    const revision = store.revision;
    expect((await rejection(client.scale('nope', [{ service: 'web', replicas: 1 }]))).code).toBe('NOT_FOUND');
    expect((await rejection(client.scale('demo', [{ service: 'nope', replicas: 1 }]))).code).toBe('NOT_FOUND');
    const global = await rejection(client.scale('demo', [{ service: 'web', replicas: 9 }, { service: 'agent', replicas: 2 }]));
    expect(global.code).toBe('CONFLICT');
    expect(store.revision).toBe(revision); // all or nothing: web was not scaled either
  });
});

describe('Remove', () => {
  it('is NOT_FOUND for an unknown stack', async () => {
    const { client } = await harness();
    const error = await rejection(client.remove('nope'));
    expect(error.code).toBe('NOT_FOUND');
    expect(error.message).toBe('no stack named "nope"');
  });

  it('removes the stack, cleans up on the nodes once its tasks have stopped, then answers', async () => {
    const { client, store, cleanups, logs } = await harness();
    await client.deploy(demo());
    store.putNode(sampleNode('n1'));
    store.putTask(sampleTask('t1', 'demo', 'web', 1, 'n1'));
    store.putTask(sampleTask('t2', 'demo', 'db', 1)); // never placed: nothing to wait for
    let answered = false;
    const removing = client.remove('demo', { timeoutMs: 10_000 }).then((r) => {
      answered = true;
      return r;
    });
    // The reconciler's and the agent's part, played by hand: the task stops once the stack is gone.
    for (let i = 0; i < 200 && store.stack('demo') !== undefined; i++) await new Promise((r) => setTimeout(r, 5));
    expect(store.stack('demo')).toBeUndefined();
    await new Promise((r) => setTimeout(r, 20));
    expect(answered).toBe(false);
    expect(cleanups).toEqual([]); // t1 still runs: its container still holds the network
    store.setTaskStatus(sampleStatus('t1', 'stopped'));
    expect(await removing).toEqual({ removedServices: ['db', 'web'] });
    expect(cleanups).toEqual([{ stack: 'demo', removeVolumes: false }]);
    expect(logs).toEqual([]);
  });

  it('answers after the timeout when tasks do not stop, and at once with a zero timeout, cleaning up anyway', async () => {
    const { client, store, cleanups, logs } = await harness();
    await client.deploy(demo());
    store.putNode(sampleNode('n1'));
    store.putTask(sampleTask('t1', 'demo', 'web', 1, 'n1'));
    expect(await client.remove('demo', { timeoutMs: 50 })).toEqual({ removedServices: ['db', 'web'] });
    expect(store.task('t1')?.status.state).toBe('running');
    // The agents keep what t1 still uses; the rest goes, and the scheduler's log says why it was early.
    expect(cleanups).toEqual([{ stack: 'demo', removeVolumes: false }]);
    expect(logs).toEqual([
      'control: remove demo: not every task had stopped within 50 ms; cleanup sent to 1 node(s) anyway, which keep the networks and volumes still in use',
    ]);
    await client.deploy(demo());
    expect(await client.remove('demo', { timeoutMs: 0 })).toEqual({ removedServices: ['db', 'web'] });
    expect(cleanups).toHaveLength(2);
    expect(logs[1]).toContain('not every task had stopped within 0 ms');
  });

  it('with removeVolumes, removes the stack and asks the nodes to delete its volumes too', async () => {
    const { client, store, cleanups } = await harness();
    await client.deploy(demo());
    expect(await client.remove('demo', { removeVolumes: true, timeoutMs: 0 })).toEqual({ removedServices: ['db', 'web'] });
    expect(store.stack('demo')).toBeUndefined();
    expect(cleanups).toEqual([{ stack: 'demo', removeVolumes: true }]);
  });

  it('sends no cleanup when the stack is deployed again before its tasks are gone', async () => {
    const { client, store, cleanups, logs } = await harness();
    await client.deploy(demo());
    store.putNode(sampleNode('n1'));
    store.putTask(sampleTask('t1', 'demo', 'web', 1, 'n1'));
    const removing = client.remove('demo', { timeoutMs: 10_000 });
    for (let i = 0; i < 200 && store.stack('demo') !== undefined; i++) await new Promise((r) => setTimeout(r, 5));
    await client.deploy(demo()); // `berth up` right after `berth down`
    store.setTaskStatus(sampleStatus('t1', 'stopped'));
    expect(await removing).toEqual({ removedServices: ['db', 'web'] });
    expect(cleanups).toEqual([]);
    expect(logs).toEqual(['control: remove demo: the stack was deployed again before its tasks were gone; no cleanup sent']);
  });

  it('sends no cleanup for a stack it does not know', async () => {
    const { client, cleanups } = await harness();
    expect((await rejection(client.remove('nope', { removeVolumes: true }))).code).toBe('NOT_FOUND');
    expect(cleanups).toEqual([]);
  });
});
