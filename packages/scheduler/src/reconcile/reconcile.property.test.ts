/**
 * Properties of whole rounds (reconcile + placement + apply) over random clusters, services
 * and events: placement never breaks a filter, replicated services always hold exactly their
 * slots, and a round applied then reconciled again changes nothing.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { applyRound } from './apply-round.js';
import type { DesiredStack, Task } from './model.js';
import { reconcile } from './reconcile.js';
import { deferredTasks, schedule } from './schedule.js';
import { agentsReport, counterContext, deployed, node, svc } from './world.fixture.js';

const GiB = 1024 ** 3;
const ZONES = ['a', 'b', 'c'] as const;

const nodeArb = (i: number): fc.Arbitrary<NodeInfo> =>
  fc
    .record({
      state: fc.constantFrom('ready', 'ready', 'ready', 'down'),
      availability: fc.constantFrom('active', 'active', 'active', 'pause', 'drain'),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      cpus: fc.integer({ min: 1, max: 4 }),
      memGiB: fc.integer({ min: 1, max: 8 }),
    })
    .map(({ state, availability, zone, cpus, memGiB }) =>
      node(`n${i}`, { state, availability, labels: zone ? { zone } : {}, cpus, memoryBytes: memGiB * GiB }),
    );
const nodesArb = fc.integer({ min: 1, max: 6 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => nodeArb(i + 1))));

const serviceArb = (i: number): fc.Arbitrary<ServiceSpec> =>
  fc
    .record({
      global: fc.boolean().map((b) => b && i % 3 === 2),
      replicas: fc.integer({ min: 0, max: 8 }),
      ports: fc.subarray([80, 443, 8080]),
      maxPerNode: fc.constantFrom(0, 0, 1, 2),
      cpus: fc.constantFrom(0, 0.5, 1),
      memGiB: fc.constantFrom(0, 1),
      zone: fc.option(fc.constantFrom(...ZONES), { nil: undefined }),
      spread: fc.boolean(),
      binpack: fc.boolean(),
      image: fc.constantFrom('1', '2'),
    })
    .map((s) =>
      svc(`s${i}`, {
        image: `registry.local/s${i}:${s.image}`,
        ports: s.ports.map((published) => ({ target: published, published, protocol: 'tcp' as const, mode: 'host' as const })),
        berth: { ...svc('x').berth, placementStrategy: s.binpack ? 'binpack' : 'spread' },
        deploy: {
          mode: s.global ? 'global' : 'replicated',
          replicas: s.replicas,
          placement: {
            maxReplicasPerNode: s.maxPerNode,
            constraints: s.zone ? [{ field: 'node.labels.zone', op: '==', value: s.zone }] : [],
            spread: s.spread ? ['node.labels.zone'] : [],
          },
          resources: { limits: {}, reservations: { ...(s.cpus ? { cpus: s.cpus } : {}), ...(s.memGiB ? { memoryBytes: s.memGiB * GiB } : {}) } },
        },
      }),
    );
const servicesArb = fc.integer({ min: 1, max: 5 }).chain((n) => fc.tuple(...Array.from({ length: n }, (_, i) => serviceArb(i + 1))));

/** One change between rounds. */
type Event =
  | { kind: 'node'; index: number; change: Partial<NodeInfo> }
  | { kind: 'scale'; index: number; replicas: number }
  | { kind: 'image'; index: number; image: string }
  | { kind: 'remove'; index: number };
const eventArb: fc.Arbitrary<Event> = fc.oneof(
  fc.record({
    kind: fc.constant('node' as const),
    index: fc.nat(),
    change: fc.constantFrom<Partial<NodeInfo>>({ state: 'down' }, { state: 'ready' }, { availability: 'drain' }, { availability: 'active' }, { availability: 'pause' }),
  }),
  fc.record({ kind: fc.constant('scale' as const), index: fc.nat(), replicas: fc.integer({ min: 0, max: 8 }) }),
  fc.record({ kind: fc.constant('image' as const), index: fc.nat(), image: fc.constantFrom('1', '2', '3') }),
  fc.record({ kind: fc.constant('remove' as const), index: fc.nat() }),
);

interface World {
  nodes: NodeInfo[];
  services: ServiceSpec[];
  stack: DesiredStack;
  tasks: Task[];
}

function applyEvent(w: World, e: Event): World {
  const at = (n: number): number => e.index % n;
  if (e.kind === 'node') {
    const i = at(w.nodes.length);
    return { ...w, nodes: w.nodes.map((n, k) => (k === i ? { ...n, ...e.change } : n)) };
  }
  if (w.services.length === 0) return w;
  const i = at(w.services.length);
  const services =
    e.kind === 'remove'
      ? w.services.filter((_, k) => k !== i)
      : w.services.map((s, k) =>
          k !== i ? s : e.kind === 'scale' ? { ...s, deploy: { ...s.deploy, replicas: e.replicas } } : { ...s, image: `registry.local/${s.name}:${e.image}` },
        );
  return { ...w, services, stack: deployed('app', services, w.stack) };
}

const ctx = counterContext(5_000, 'p');
function runRound(w: World): World {
  const r = schedule([w.stack], w.tasks, w.nodes, ctx);
  return { ...w, tasks: agentsReport(applyRound(w.tasks, r, ctx.now), w.nodes) };
}

/** Every placement rule holds for the live, placed tasks of `w`. */
function checkPlacementRules(w: World): void {
  const specs = new Map(w.services.map((s) => [s.name, s]));
  const byNode = new Map<string, Task[]>();
  for (const t of w.tasks) {
    if (t.desired !== 'run' || t.nodeId === undefined) continue;
    byNode.set(t.nodeId, [...(byNode.get(t.nodeId) ?? []), t]);
  }
  for (const [nodeId, tasks] of byNode) {
    const n = w.nodes.find((x) => x.id === nodeId)!;
    const ports = tasks.flatMap((t) => (specs.get(t.service)?.ports ?? []).map((p) => p.published));
    expect(new Set(ports).size, `ports on ${nodeId}`).toBe(ports.length);
    let cpus = 0;
    let mem = 0;
    const perService = new Map<string, number>();
    for (const t of tasks) {
      const s = specs.get(t.service)!;
      cpus += Math.round((s.deploy.resources.reservations.cpus ?? 0) * 1000);
      mem += s.deploy.resources.reservations.memoryBytes ?? 0;
      perService.set(t.service, (perService.get(t.service) ?? 0) + 1);
      if (s.deploy.placement.constraints.length > 0) expect(n.labels['zone']).toBe(s.deploy.placement.constraints[0]!.value);
    }
    expect(cpus).toBeLessThanOrEqual(n.cpus * 1000);
    expect(mem).toBeLessThanOrEqual(n.memoryBytes);
    for (const [name, count] of perService) {
      const max = specs.get(name)!.deploy.placement.maxReplicasPerNode;
      if (max > 0) expect(count, `${name} on ${nodeId}`).toBeLessThanOrEqual(max);
    }
  }
}

/** Replicated services hold exactly slots 1..replicas; global ones at most one task per node. */
function checkSlots(w: World): void {
  for (const s of w.services) {
    const live = w.tasks.filter((t) => t.desired === 'run' && t.service === s.name);
    if (s.deploy.mode === 'replicated') {
      expect(live.map((t) => t.slot).sort((a, b) => a - b)).toEqual(Array.from({ length: s.deploy.replicas }, (_, i) => i + 1));
    } else {
      const forNodes = live.map((t) => t.forNode);
      expect(new Set(forNodes).size).toBe(forNodes.length);
      for (const t of live) if (t.nodeId !== undefined) expect(t.nodeId).toBe(t.forNode);
    }
  }
  const names = new Set(w.services.map((s) => s.name));
  expect(w.tasks.filter((t) => t.desired === 'run' && !names.has(t.service))).toEqual([]);
}

describe('scheduling rounds (properties)', () => {
  it('keep every placement rule, hold exactly the slots, and settle: a second reconcile changes nothing', () => {
    fc.assert(
      fc.property(nodesArb, servicesArb, fc.array(eventArb, { maxLength: 6 }), (nodes, services, events) => {
        let w: World = { nodes, services, stack: deployed('app', services), tasks: [] };
        for (const e of [undefined, ...events]) {
          if (e !== undefined) w = applyEvent(w, e);
          w = runRound(w);
          checkPlacementRules(w);
          checkSlots(w);
          const again = reconcile([w.stack], w.tasks, w.nodes, counterContext());
          expect([again.place, again.stop, again.replace]).toEqual([[], [], []]);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('a replicated service with room for it gets exactly N placed tasks with distinct slots', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 8 }), fc.integer({ min: 0, max: 60 }), fc.integer({ min: 0, max: 3 }), (nodeCount, replicas, maxPerNode) => {
        const nodes = Array.from({ length: nodeCount }, (_, i) => node(`n${i + 1}`));
        const perNode = maxPerNode === 0 ? replicas : maxPerNode;
        fc.pre(perNode * nodeCount >= replicas);
        const stack = deployed('app', [svc('web', { deploy: { replicas, placement: { maxReplicasPerNode: maxPerNode } } })]);
        const r = schedule([stack], [], nodes, counterContext());
        expect(r.placement.unplaced.size).toBe(0);
        expect(r.placement.assignments.size).toBe(replicas);
        expect(new Set(r.plan.place.map((t) => t.slot)).size).toBe(replicas);
        // Spread: no node has more than one task above any other.
        const counts = nodes.map((n) => [...r.placement.assignments.values()].filter((id) => id === n.id).length);
        expect(Math.max(...counts) - Math.min(...counts)).toBeLessThanOrEqual(1);
      }),
      { numRuns: 200 },
    );
  });

  it('reconcile is pure: same inputs, same plan, inputs untouched', () => {
    fc.assert(
      fc.property(nodesArb, servicesArb, (nodes, services) => {
        const stack = deployed('app', services);
        const tasks = runRound({ nodes, services, stack, tasks: [] }).tasks;
        const before = structuredClone({ stack, tasks, nodes });
        const a = reconcile([stack], tasks, nodes, counterContext());
        const b = reconcile([stack], tasks, nodes, counterContext());
        expect(b).toEqual(a);
        expect({ stack, tasks, nodes }).toEqual(before);
        // Every live task is kept or stopped, never both, never twice.
        const decided = [...a.keep, ...a.stop.map((s) => s.taskId)];
        expect(new Set(decided).size).toBe(decided.length);
        expect(decided.sort()).toEqual(tasks.filter((t) => t.desired === 'run').map((t) => t.id).sort());
      }),
      { numRuns: 150 },
    );
  });

  it('capped rounds never exceed the cap, keep every rule, and settle where uncapped rounds do', () => {
    fc.assert(
      fc.property(nodesArb, servicesArb, fc.array(eventArb, { maxLength: 3 }), fc.integer({ min: 1, max: 4 }), (nodes, services, events, cap) => {
        let w: World = { nodes, services, stack: deployed('app', services), tasks: [] };
        for (const e of [undefined, ...events]) {
          if (e !== undefined) w = applyEvent(w, e);
          // Capped rounds back to back until one leaves nothing for later (each does the cap's worth).
          for (let i = 0; i < 100; i++) {
            const r = schedule([w.stack], w.tasks, w.nodes, ctx, { maxTasks: cap });
            expect(r.plan.place.length).toBeLessThanOrEqual(cap);
            expect(r.placement.assignments.size).toBeLessThanOrEqual(cap);
            w = { ...w, tasks: agentsReport(applyRound(w.tasks, r, ctx.now), w.nodes) };
            checkPlacementRules(w);
            if (deferredTasks(r) === 0) break;
          }
          checkSlots(w);
          // Settled: an uncapped round would create, stop, replace and place nothing more.
          const uncapped = schedule([w.stack], w.tasks, w.nodes, counterContext());
          expect([uncapped.plan.place, uncapped.plan.stop, uncapped.plan.replace]).toEqual([[], [], []]);
          expect(uncapped.placement.assignments.size).toBe(0);
        }
      }),
      { numRuns: 200 },
    );
  });
});
