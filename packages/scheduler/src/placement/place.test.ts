import { describe, expect, it } from 'vitest';
import { isBerthError, type NodeInfo, type PortSpec, type ServiceSpec } from '@berth/api';
import { serviceKey, type Task } from '../reconcile/model.js';
import { node, svc, task } from '../reconcile/world.fixture.js';
import { place, type ServiceSpecs } from './place.js';
import { unplacedError } from './unplaced-reason.js';

const GiB = 1024 ** 3;
const port = (published: number): PortSpec => ({ target: 80, published, protocol: 'tcp', mode: 'host' });
const specs = (...services: ServiceSpec[]): ServiceSpecs => new Map(services.map((s) => [serviceKey('app', s.name), s]));
/** `n` new tasks of `service`, ids `<service>-1…`, no node yet. */
const pending = (service: string, n: number, over: Partial<Task> = {}): Task[] =>
  Array.from({ length: n }, (_, i) => task(`${service}-${i + 1}`, { service, specHash: 'h', slot: i + 1, ...over }));
/** Node id per task id. */
const where = (result: ReturnType<typeof place>): Record<string, string> => Object.fromEntries(result.assignments);

describe('place: spreading', () => {
  it('spreads a service over the nodes, then fills them evenly', () => {
    const nodes = [node('n1'), node('n2'), node('n3')];
    const r = place(pending('web', 6), nodes, [], specs(svc('web')));
    expect(where(r)).toEqual({ 'web-1': 'n1', 'web-2': 'n2', 'web-3': 'n3', 'web-4': 'n1', 'web-5': 'n2', 'web-6': 'n3' });
    expect(r.unplaced.size).toBe(0);
  });

  it('counts running tasks: the emptiest node first', () => {
    const nodes = [node('n1'), node('n2')];
    const running = [task('old', { service: 'web', specHash: 'h', nodeId: 'n1' })];
    expect(where(place(pending('web', 1), nodes, running, specs(svc('web'))))).toEqual({ 'web-1': 'n2' });
  });

  it('ignores existing tasks that are being stopped or have no node', () => {
    const nodes = [node('n1'), node('n2')];
    const existing = [
      task('stopping', { service: 'web', specHash: 'h', nodeId: 'n1', desired: 'stop' }),
      task('waiting', { service: 'web', specHash: 'h' }),
    ];
    expect(where(place(pending('web', 1), nodes, existing, specs(svc('web'))))).toEqual({ 'web-1': 'n1' });
  });

  it('balances over spread preference values before nodes', () => {
    const nodes = [
      node('n1', { labels: { zone: 'a' } }),
      node('n2', { labels: { zone: 'a' } }),
      node('n3', { labels: { zone: 'b' } }),
    ];
    const web = svc('web', { deploy: { placement: { spread: ['node.labels.zone'] } } });
    const r = place(pending('web', 4), nodes, [], specs(web));
    const perNode = [...r.assignments.values()].reduce<Record<string, number>>((acc, n) => ({ ...acc, [n]: (acc[n] ?? 0) + 1 }), {});
    // Zone b (one node) gets half the tasks; zone a's two nodes share the other half.
    expect(perNode).toEqual({ n1: 1, n2: 1, n3: 2 });
  });

  it('binpack fills the fullest node that fits', () => {
    const nodes = [node('n1', { cpus: 2 }), node('n2', { cpus: 2 })];
    const web = svc('web', {
      deploy: { resources: { reservations: { cpus: 0.5 }, limits: {} } },
      berth: { ...svc('web').berth, placementStrategy: 'binpack' },
    });
    const r = place(pending('web', 5), nodes, [], specs(web));
    expect(where(r)).toEqual({ 'web-1': 'n1', 'web-2': 'n1', 'web-3': 'n1', 'web-4': 'n1', 'web-5': 'n2' });
  });
});

describe('place: the round sees its own placements', () => {
  it.each<[string, ServiceSpec, number, number]>([
    ['host ports', svc('web', { ports: [port(8080)] }), 2, 2],
    ['reservations', svc('web', { deploy: { resources: { reservations: { memoryBytes: 6 * GiB }, limits: {} } } }), 2, 4],
    ['max replicas per node', svc('web', { deploy: { placement: { maxReplicasPerNode: 2 } } }), 2, 4],
  ])('%s', (_name, web, nodeCount, expectedPlaced) => {
    const nodes = Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`, { memoryBytes: 16 * GiB }));
    const r = place(pending('web', 6), nodes, [], specs(web));
    expect(r.assignments.size).toBe(expectedPlaced);
    expect(r.unplaced.size).toBe(6 - expectedPlaced);
  });

  it('two services publishing the same port never share a node', () => {
    const nodes = [node('n1'), node('n2')];
    const r = place([...pending('a', 1), ...pending('b', 1)], nodes, [], specs(svc('a', { ports: [port(80)] }), svc('b', { ports: [port(80)] })));
    expect(new Set(r.assignments.values()).size).toBe(2);
  });
});

describe('place: why a task is unplaced', () => {
  const zoned = (zone: string): NodeInfo => node(`n-${zone}`, { labels: { zone } });

  it('aggregates every filter, in filter order', () => {
    const nodes = [zoned('us'), zoned('eu'), node('n-ap', { labels: { zone: 'ap' } }), node('n-down', { state: 'down', labels: { zone: 'eu' } })];
    const web = svc('web', {
      ports: [port(8080)],
      deploy: { placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'eu' }] } },
    });
    const running = [task('x', { service: 'other', specHash: 'h', nodeId: 'n-eu' })];
    const other = svc('other', { ports: [port(8080)] });
    const r = place(pending('web', 1), nodes, running, specs(web, other));
    const reason = r.unplaced.get('web-1');
    expect(reason?.code).toBe('NO_SUITABLE_NODE');
    expect(reason?.message).toBe('no suitable node (1 node down; 2 nodes lack label zone=eu; port 8080 taken on 1 node)');
    expect(reason?.rejections.map((x) => [x.filter, x.nodes])).toEqual([
      ['node-ready', 1],
      ['constraints', 2],
      ['host-ports', 1],
    ]);
  });

  it('gives later tasks of a full service the same reason', () => {
    const r = place(pending('web', 3), [node('n1')], [], specs(svc('web', { ports: [port(80)] })));
    expect(where(r)).toEqual({ 'web-1': 'n1' });
    expect(r.unplaced.get('web-2')?.message).toBe('no suitable node (port 80 taken on 1 node)');
    expect(r.unplaced.get('web-3')).toEqual(r.unplaced.get('web-2'));
  });

  it.each<[string, NodeInfo[], Task[], ServiceSpecs, string]>([
    ['no nodes', [], pending('web', 1), specs(svc('web')), 'no suitable node (no nodes)'],
    ['paused and drained', [node('n1', { availability: 'pause' }), node('n2', { availability: 'drain' })], pending('web', 1), specs(svc('web')), 'no suitable node (1 node paused; 1 node drained)'],
    ['a global task whose node left', [node('n1')], pending('web', 1, { slot: 0, forNode: 'n9' }), specs(svc('web')), 'no suitable node (node n9 is not in the cluster)'],
    ['an undeployed service', [node('n1')], pending('ghost', 1), specs(svc('web')), 'service app/ghost is not deployed'],
  ])('%s', (_name, nodes, tasks, services, message) => {
    expect(place(tasks, nodes, [], services).unplaced.get(tasks[0]!.id)?.message).toBe(message);
  });

  it('unplacedError carries the stable code', () => {
    const r = place(pending('web', 1), [], [], specs(svc('web')));
    const error = unplacedError('web-1', r.unplaced.get('web-1')!);
    expect(isBerthError(error, 'NO_SUITABLE_NODE')).toBe(true);
    expect(error.context['taskId']).toBe('web-1');
  });
});

describe('place: global tasks', () => {
  it('go only to their own node, checked by every filter', () => {
    const nodes = [node('n1'), node('n2')];
    const web = svc('web', { ports: [port(80)], deploy: { mode: 'global' } });
    const tasks = [...pending('web', 1, { slot: 0, forNode: 'n2' }), task('web-b', { service: 'web', specHash: 'h', slot: 0, forNode: 'n2' })];
    const r = place(tasks, nodes, [], specs(web));
    expect(where(r)).toEqual({ 'web-1': 'n2' });
    expect(r.unplaced.get('web-b')?.message).toBe('no suitable node (port 80 taken on 1 node)');
  });
});

describe('place is pure', () => {
  it('does not change its inputs and gives the same result twice', () => {
    const nodes = [node('n1'), node('n2')];
    const services = specs(svc('web', { ports: [port(80)] }));
    const tasks = pending('web', 3);
    const existing = [task('x', { service: 'web', specHash: 'h', nodeId: 'n1' })];
    const before = structuredClone({ nodes, tasks, existing });
    const a = place(tasks, nodes, existing, services);
    const b = place(tasks, nodes, existing, services);
    expect({ nodes, tasks, existing }).toEqual(before);
    expect(b).toEqual(a);
  });
});
