// The ranking must choose exactly what a full scan of every node would. The reference below is
// that scan (what place() did per task before rankings): every candidate through every load
// filter, the best by spread groups, score, then index.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { serviceKey, type Task } from '../reconcile/model.js';
import { node, svc, task } from '../reconcile/world.fixture.js';
import { ClusterLoad } from './cluster-load.js';
import { LOAD_FILTERS, NODE_FILTERS } from './filters/filter-pipeline.js';
import { place, type ServiceSpecs } from './place.js';
import { placementRequest } from './placement-request.js';
import { scorerFor } from './scorers/scorer-choice.js';
import { compareGroups } from './scorers/spread-preferences.js';

const GiB = 1024 ** 3;

/** Where a full scan per task puts each (replicated) task; unplaced ones are left out. */
function scanEveryNode(tasks: readonly Task[], nodes: readonly NodeInfo[], existing: readonly Task[], services: ServiceSpecs): Map<string, string> {
  const load = new ClusterLoad(nodes);
  const reqOf = (key: string) => placementRequest(key, services.get(key)!);
  for (const t of existing) load.add(load.indexOf.get(t.nodeId!)!, serviceKey(t.stack, t.service), reqOf(serviceKey(t.stack, t.service)), t.status.ports);
  const out = new Map<string, string>();
  for (const t of tasks) {
    const key = serviceKey(t.stack, t.service);
    const req = reqOf(key);
    const service = load.service(key);
    const scorer = scorerFor(req.strategy);
    const groups = req.spread.length > 0 ? load.groups(service, req.spread) : undefined;
    let best = -1;
    let bestScore = Infinity;
    nodes.forEach((n, i) => {
      if (NODE_FILTERS.some((f) => f.reject(n, req) !== undefined)) return;
      if (LOAD_FILTERS.some((f) => f.reject(i, req, service, load) !== undefined)) return;
      const score = scorer.score(i, service, load);
      const byGroup = best < 0 || groups === undefined ? 0 : compareGroups(groups, i, best);
      if (best < 0 || byGroup < 0 || (byGroup === 0 && score < bestScore)) {
        best = i;
        bestScore = score;
      }
    });
    if (best < 0) continue;
    load.add(best, key, req);
    out.set(t.id, nodes[best]!.id);
  }
  return out;
}

const ZONES = ['a', 'b', 'c'];
const nodeArb = (i: number): fc.Arbitrary<NodeInfo> =>
  fc
    .record({
      ready: fc.constantFrom(true, true, true, false),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      rack: fc.option(fc.constantFrom('r1', 'r2'), { nil: undefined }),
      cpus: fc.integer({ min: 1, max: 4 }),
      memGiB: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ ready, zone, rack, cpus, memGiB }) =>
      node(`n${i}`, {
        state: ready ? 'ready' : 'down',
        labels: { ...(zone ? { zone } : {}), ...(rack ? { rack } : {}) },
        cpus,
        memoryBytes: memGiB * GiB,
      }),
    );

const serviceArb = (i: number): fc.Arbitrary<ServiceSpec> =>
  fc
    .record({
      port: fc.option(fc.constantFrom(80, 443), { nil: undefined }),
      maxPerNode: fc.constantFrom(0, 0, 1, 3),
      cpus: fc.constantFrom(0, 0.25, 0.5, 1),
      memGiB: fc.constantFrom(0, 0, 1),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      spread: fc.constantFrom<string[]>([], [], ['node.labels.zone'], ['node.labels.zone', 'node.labels.rack']),
      binpack: fc.boolean(),
    })
    .map((s) =>
      svc(`s${i}`, {
        ports: s.port === undefined ? [] : [{ target: 80, published: s.port, protocol: 'tcp', mode: 'host' }],
        berth: { ...svc('x').berth, placementStrategy: s.binpack ? 'binpack' : 'spread' },
        deploy: {
          placement: {
            maxReplicasPerNode: s.maxPerNode,
            constraints: s.zone ? [{ field: 'node.labels.zone', op: '==', value: s.zone }] : [],
            spread: s.spread,
          },
          resources: { limits: {}, reservations: { ...(s.cpus ? { cpus: s.cpus } : {}), ...(s.memGiB ? { memoryBytes: s.memGiB * GiB } : {}) } },
        },
      }),
    );

const worldArb = fc
  .record({ nodeCount: fc.integer({ min: 1, max: 12 }), serviceCount: fc.integer({ min: 1, max: 4 }) })
  .chain(({ nodeCount, serviceCount }) =>
    fc.record({
      nodes: fc.tuple(...Array.from({ length: nodeCount }, (_, i) => nodeArb(i + 1))),
      services: fc.tuple(...Array.from({ length: serviceCount }, (_, i) => serviceArb(i + 1))),
      // Tasks to place, as service indexes in placement order (services interleave), and tasks
      // already running, as (service, node) index pairs.
      order: fc.array(fc.nat(serviceCount - 1), { maxLength: 40 }),
      running: fc.array(fc.tuple(fc.nat(serviceCount - 1), fc.nat(nodeCount - 1)), { maxLength: 10 }),
    }),
  );

describe('NodeRanking (through place)', () => {
  it('places every task where a scan of every node would', () => {
    fc.assert(
      fc.property(worldArb, ({ nodes, services, order, running }) => {
        const specs: ServiceSpecs = new Map(services.map((s) => [serviceKey('app', s.name), s]));
        const tasks = order.map((s, k) => task(`t${k}`, { service: services[s]!.name, specHash: 'h', slot: k + 1 }));
        const existing = running.map(([s, n], k) => task(`r${k}`, { service: services[s]!.name, specHash: 'h', nodeId: nodes[n]!.id }));
        const result = place(tasks, nodes, existing, specs);
        expect(result.assignments).toEqual(scanEveryNode(tasks, nodes, existing, specs));
        expect(result.assignments.size + result.unplaced.size).toBe(tasks.length);
      }),
      { numRuns: 500 },
    );
  });

  it('spreads 2,000 tasks over 500 nodes in three zones exactly as the scan does', () => {
    const nodes = Array.from({ length: 500 }, (_, i) => node(`n${i}`, { labels: { zone: ZONES[i % 3]! }, cpus: 2 + (i % 3) }));
    const zoned = svc('web', { deploy: { placement: { spread: ['node.labels.zone'] }, resources: { limits: {}, reservations: { cpus: 0.5 } } } });
    const packed = svc('db', { berth: { ...svc('db').berth, placementStrategy: 'binpack' }, deploy: { resources: { limits: {}, reservations: { cpus: 1 } } } });
    const specs: ServiceSpecs = new Map([zoned, packed].map((s) => [serviceKey('app', s.name), s]));
    const tasks = Array.from({ length: 2_000 }, (_, k) => task(`t${k}`, { service: k % 4 === 0 ? 'db' : 'web', specHash: 'h', slot: k + 1 }));
    expect(place(tasks, nodes, [], specs).assignments).toEqual(scanEveryNode(tasks, nodes, [], specs));
  });
});
