import { describe, expect, it } from 'vitest';
import type { NodeInfo, ServiceSpec } from '@berth/api';
import { applyRound } from './apply-round.js';
import type { DesiredStack, Plan, Task } from './model.js';
import { reconcile } from './reconcile.js';
import { schedule } from './schedule.js';
import { agentsReport, counterContext, deployed, node, status, svc, task } from './world.fixture.js';

const ctx = counterContext();
/** Runs one full round (reconcile, place, apply, agents report) and returns the next task list. */
function round(desired: DesiredStack[], tasks: readonly Task[], nodes: readonly NodeInfo[]): { plan: Plan; tasks: Task[] } {
  const r = schedule(desired, tasks, nodes, ctx);
  return { plan: r.plan, tasks: agentsReport(applyRound(tasks, r, ctx.now), nodes) };
}
/** The state after deploying `stack` on `nodes` from nothing. */
function deployedOn(stack: DesiredStack, nodes: readonly NodeInfo[]): Task[] {
  return round([stack], [], nodes).tasks;
}
const live = (tasks: readonly Task[]): Task[] => tasks.filter((t) => t.desired === 'run');
const slots = (tasks: readonly Task[], service = 'web'): number[] =>
  live(tasks).filter((t) => t.service === service).map((t) => t.slot).sort((a, b) => a - b);
const changes = (plan: Plan): number => plan.place.length + plan.stop.length + plan.replace.length;
const threeNodes = [node('n1'), node('n2'), node('n3')];

describe('reconcile: replicated services', () => {
  const web = (replicas: number, over: Partial<ServiceSpec> = {}): ServiceSpec => svc('web', { ...over, deploy: { replicas } });

  it('creates slots 1..replicas for a new service', () => {
    const plan = reconcile([deployed('app', [web(3)])], [], threeNodes, counterContext());
    expect(plan.place.map((t) => [t.id, t.slot, t.desired, t.status.state])).toEqual([
      ['t1', 1, 'run', 'pending'],
      ['t2', 2, 'run', 'pending'],
      ['t3', 3, 'run', 'pending'],
    ]);
    expect(plan.unassigned).toEqual(plan.place);
    expect([plan.keep, plan.stop, plan.replace]).toEqual([[], [], []]);
  });

  it('re-deploying the same file changes nothing', () => {
    const stack = deployed('app', [web(3)]);
    const tasks = deployedOn(stack, threeNodes);
    const again = reconcile([deployed('app', [web(3)], stack)], tasks, threeNodes, counterContext());
    expect(changes(again)).toBe(0);
    expect(again.keep.sort()).toEqual(live(tasks).map((t) => t.id).sort());
  });

  it('scale up adds the missing slots and keeps the others', () => {
    const stack = deployed('app', [web(2)]);
    const tasks = deployedOn(stack, threeNodes);
    const plan = reconcile([deployed('app', [web(4)], stack)], tasks, threeNodes, counterContext(1, 'new'));
    expect(plan.place.map((t) => t.slot)).toEqual([3, 4]);
    expect(plan.keep).toHaveLength(2);
    expect(plan.stop).toEqual([]);
  });

  it('scale down stops the highest slots', () => {
    const stack = deployed('app', [web(4)]);
    const tasks = deployedOn(stack, threeNodes);
    const plan = reconcile([deployed('app', [web(2)], stack)], tasks, threeNodes, counterContext());
    const bySlot = new Map(live(tasks).map((t) => [t.id, t.slot]));
    expect(plan.stop.map((s) => [bySlot.get(s.taskId), s.reason])).toEqual([
      [3, 'scaled down'],
      [4, 'scaled down'],
    ]);
    expect(plan.place).toEqual([]);
  });

  it('scaling to 0 stops every task', () => {
    const stack = deployed('app', [web(2)]);
    const plan = reconcile([deployed('app', [web(0)], stack)], deployedOn(stack, threeNodes), threeNodes, counterContext());
    expect(plan.stop).toHaveLength(2);
  });

  it('a changed spec replaces every task in its slot', () => {
    const stack = deployed('app', [web(2)]);
    const tasks = deployedOn(stack, threeNodes);
    const next = deployed('app', [web(2, { image: 'registry.local/web:2' })], stack);
    const plan = reconcile([next], tasks, threeNodes, counterContext(1, 'new'));
    expect(plan.replace.map((r) => r.reason)).toEqual(['spec changed', 'spec changed']);
    expect(plan.place.map((t) => [t.slot, t.specHash, t.generation])).toEqual([
      [1, next.services['web']!.hash, 2],
      [2, next.services['web']!.hash, 2],
    ]);
    expect(plan.stop.map((s) => s.taskId)).toEqual(plan.replace.map((r) => r.old));
  });

  it.each<[string, Partial<NodeInfo>, boolean, string | undefined]>([
    ['down (the task waits for its lease to run out)', { state: 'down' }, false, undefined],
    ['down and drained (still held: its agent cannot be told)', { state: 'down', availability: 'drain' }, false, undefined],
    ['down, service keeps running when disconnected', { state: 'down' }, true, 'node down'],
    ['drained', { availability: 'drain' }, false, 'node drained'],
    ['paused (tasks stay)', { availability: 'pause' }, false, undefined],
    ['no longer eligible (driver gone)', { drivers: [] }, false, 'node no longer eligible'],
  ])('a task on a node that is %s', (_name, change, keepRunning, reason) => {
    const base = web(1);
    const stack = deployed('app', [{ ...base, berth: { ...base.berth, keepRunningWhenDisconnected: keepRunning } }]);
    const nodes = [node('n1'), node('n2')];
    const tasks = deployedOn(stack, nodes);
    const on = live(tasks)[0]!.nodeId;
    const after = nodes.map((n) => (n.id === on ? { ...n, ...change } : n));
    const plan = reconcile([stack], tasks, after, counterContext(1, 'new'));
    expect(plan.replace.map((r) => r.reason)).toEqual(reason === undefined ? [] : [reason]);
    expect(plan.place.map((t) => t.slot)).toEqual(reason === undefined ? [] : [1]);
  });

  it('a task that loses its node label is moved', () => {
    const eu = svc('web', { deploy: { placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'eu' }] } } });
    const stack = deployed('app', [eu]);
    const nodes = [node('n1', { labels: { zone: 'eu' } }), node('n2', { labels: { zone: 'eu' } })];
    const tasks = deployedOn(stack, nodes);
    const plan = reconcile([stack], tasks, [{ ...nodes[0]!, labels: {} }, nodes[1]!], counterContext());
    expect(plan.replace.map((r) => r.reason)).toEqual(['node no longer eligible']);
  });

  it('a task reported lost is replaced', () => {
    const stack = deployed('app', [web(1)]);
    const [t] = deployedOn(stack, threeNodes);
    const lost = { ...t!, status: status(t!.id, 'lost') };
    expect(reconcile([stack], [lost], threeNodes, counterContext()).replace.map((r) => r.reason)).toEqual(['task lost']);
  });

  it('a task lost on a down node (its lease ran out) is replaced on another node', () => {
    const stack = deployed('app', [web(1)]);
    const nodes = [node('n1'), node('n2')];
    const [t] = deployedOn(stack, nodes);
    const down = nodes.map((n) => (n.id === t!.nodeId ? { ...n, state: 'down' as const } : n));
    const r = round([stack], [{ ...t!, status: status(t!.id, 'lost') }], down);
    expect(r.plan.replace.map((x) => [x.old, x.reason])).toEqual([[t!.id, 'task lost']]);
    const fresh = live(r.tasks);
    expect(fresh.map((x) => [x.slot, x.nodeId])).toEqual([[1, down.find((n) => n.state === 'ready')!.id]]);
  });

  it('keeps tasks that finished (the agent already applied the restart policy)', () => {
    const stack = deployed('app', [web(2)]);
    const tasks = deployedOn(stack, threeNodes).map((t, i) => ({ ...t, status: status(t.id, i === 0 ? 'exited' : 'failed', { exitCode: i }) }));
    expect(changes(reconcile([stack], tasks, threeNodes, counterContext()))).toBe(0);
  });

  it('keeps pending tasks and offers them to placement again', () => {
    const stack = deployed('app', [web(1)]);
    const plan1 = reconcile([stack], [], [], counterContext());
    const tasks = plan1.place;
    const plan2 = reconcile([stack], tasks, threeNodes, counterContext());
    expect(plan2.keep).toEqual(['t1']);
    expect(plan2.unassigned.map((t) => t.id)).toEqual(['t1']);
    expect(changes(plan2)).toBe(0);
  });

  it('ignores tasks already told to stop', () => {
    const stack = deployed('app', [web(1)]);
    const h = stack.services['web']!.hash;
    const tasks = [task('a', { service: 'web', specHash: h, nodeId: 'n1' }), task('b', { service: 'web', specHash: h, nodeId: 'n2', desired: 'stop' })];
    const plan = reconcile([stack], tasks, threeNodes, counterContext());
    expect([plan.keep, plan.stop]).toEqual([['a'], []]);
  });

  it.each<[string, Partial<Task>, Partial<Task>, string]>([
    ['the current spec wins', { specHash: 'old', createdAt: 9 }, {}, 'b'],
    ['a task on a live node wins', { nodeId: 'n1' }, { nodeId: 'gone' }, 'a'],
    ['a running task beats an assigned one', { status: status('a', 'assigned') }, {}, 'b'],
    ['then the newest', { createdAt: 5 }, { createdAt: 6 }, 'b'],
  ])('two live tasks in one slot: %s, the other is stopped', (_name, a, b, kept) => {
    const stack = deployed('app', [web(1)]);
    const h = stack.services['web']!.hash;
    const tasks = [task('a', { service: 'web', specHash: h, nodeId: 'n1', ...a }), task('b', { service: 'web', specHash: h, nodeId: 'n2', ...b })];
    const plan = reconcile([stack], tasks, threeNodes, counterContext());
    const stopped = kept === 'a' ? 'b' : 'a';
    expect(plan.stop).toEqual([{ taskId: stopped, reason: 'duplicate' }]);
    expect(plan.keep.concat(plan.replace.map((r) => r.old))).toEqual([kept]);
  });
});

describe('reconcile: a node goes down and comes back', () => {
  const keepsRunning = (spec: ServiceSpec): ServiceSpec => ({ ...spec, berth: { ...spec.berth, keepRunningWhenDisconnected: true } });

  it('holds the tasks of a down node until they are lost, so a node back in time loses nothing', () => {
    const stack = deployed('app', [svc('web', { deploy: { replicas: 2 } })]);
    const nodes = [node('n1'), node('n2'), node('n3')];
    const tasks = deployedOn(stack, nodes);
    const down = nodes.map((n) => (n.id === 'n1' ? { ...n, state: 'down' as const } : n));
    const r1 = round([stack], tasks, down);
    expect(changes(r1.plan)).toBe(0);
    const r2 = round([stack], r1.tasks, nodes);
    expect(changes(r2.plan)).toBe(0);
    expect(r2.tasks).toEqual(tasks);
  });

  it('moves the task of a service that keeps running when disconnected at once, then stops the stale copy when the node returns', () => {
    const stack = deployed('app', [keepsRunning(svc('web', { deploy: { replicas: 2 } }))]);
    const nodes = [node('n1'), node('n2'), node('n3')];
    let tasks = deployedOn(stack, nodes);
    const victim = live(tasks).find((t) => t.nodeId === 'n1')!;

    const down = nodes.map((n) => (n.id === 'n1' ? { ...n, state: 'down' as const } : n));
    const r1 = round([stack], tasks, down);
    expect(r1.plan.replace).toEqual([{ old: victim.id, new: r1.plan.place[0]!.id, reason: 'node down' }]);
    tasks = r1.tasks;
    const replacement = tasks.find((t) => t.id === r1.plan.place[0]!.id)!;
    expect([replacement.slot, replacement.nodeId]).toEqual([victim.slot, 'n3']);
    // The stale copy stays recorded, told to stop, until its node can be told.
    expect(tasks.find((t) => t.id === victim.id)?.desired).toBe('stop');

    // n1 returns still running the stale copy: it is not kept, and no extra task appears.
    const r2 = round([stack], tasks, nodes);
    expect(changes(r2.plan)).toBe(0);
    expect(r2.plan.keep).not.toContain(victim.id);
    expect(r2.tasks.some((t) => t.id === victim.id)).toBe(false);
    expect(slots(r2.tasks)).toEqual([1, 2]);
  });

  it('a task lost on a down node is replaced; the node coming back changes nothing more', () => {
    const stack = deployed('app', [svc('web', { deploy: { replicas: 2 } })]);
    const nodes = [node('n1'), node('n2'), node('n3')];
    let tasks = deployedOn(stack, nodes);
    const victim = live(tasks).find((t) => t.nodeId === 'n1')!;
    const down = nodes.map((n) => (n.id === 'n1' ? { ...n, state: 'down' as const } : n));
    tasks = tasks.map((t) => (t.id === victim.id ? { ...t, status: status(t.id, 'lost') } : t));
    const r1 = round([stack], tasks, down);
    expect(r1.plan.replace.map((r) => [r.old, r.reason])).toEqual([[victim.id, 'task lost']]);
    expect(r1.tasks.find((t) => t.id === r1.plan.place[0]!.id)?.nodeId).toBe('n3');
    const r2 = round([stack], r1.tasks, nodes);
    expect(changes(r2.plan)).toBe(0);
    expect(slots(r2.tasks)).toEqual([1, 2]);
  });

  it('a stale copy that is still desired `run` (the stop was lost) is stopped as a duplicate', () => {
    const stack = deployed('app', [svc('web')]);
    const h = stack.services['web']!.hash;
    const stale = task('stale', { service: 'web', specHash: h, nodeId: 'n1', createdAt: 1 });
    const fresh = task('fresh', { service: 'web', specHash: h, nodeId: 'n2', createdAt: 2 });
    const plan = reconcile([stack], [stale, fresh], threeNodes, counterContext());
    expect(plan.stop).toEqual([{ taskId: 'stale', reason: 'duplicate' }]);
    expect(plan.keep).toEqual(['fresh']);
  });
});

describe('reconcile: global services', () => {
  const agent = (constraints: ServiceSpec['deploy']['placement']['constraints'] = []) =>
    svc('agent', { deploy: { mode: 'global', placement: { constraints } } });

  it('one task per eligible ready node, none on paused, drained, down or filtered nodes', () => {
    const nodes = [
      node('n1'),
      node('n2', { availability: 'pause' }),
      node('n3', { availability: 'drain' }),
      node('n4', { state: 'down' }),
      node('n5', { role: 'manager' }),
    ];
    const plan = reconcile([deployed('app', [agent([{ field: 'node.role', op: '==', value: 'worker' }])])], [], nodes, counterContext());
    expect(plan.place.map((t) => [t.forNode, t.slot])).toEqual([['n1', 0]]);
  });

  it('stops the task on a down node at once when the service keeps running when disconnected', () => {
    const base = agent();
    const stack = deployed('app', [{ ...base, berth: { ...base.berth, keepRunningWhenDisconnected: true } }]);
    const nodes = [node('n1'), node('n2')];
    const tasks = deployedOn(stack, nodes);
    const r = round([stack], tasks, nodes.map((n) => (n.id === 'n2' ? { ...n, state: 'down' as const } : n)));
    expect(r.plan.stop).toEqual([{ taskId: live(tasks).find((t) => t.forNode === 'n2')!.id, reason: 'node down' }]);
    expect(r.plan.place).toEqual([]);
  });

  it('follows nodes joining, going down, leaving and coming back', () => {
    const stack = deployed('app', [agent()]);
    let nodes = [node('n1'), node('n2')];
    let tasks = deployedOn(stack, nodes);
    const onNodes = (ts: Task[]) => live(ts).map((t) => `${t.forNode}@${t.nodeId}`).sort();
    expect(onNodes(tasks)).toEqual(['n1@n1', 'n2@n2']);

    nodes = [...nodes, node('n3')];
    let r = round([stack], tasks, nodes);
    expect(r.plan.place.map((t) => t.forNode)).toEqual(['n3']);
    tasks = r.tasks;

    nodes = nodes.map((n) => (n.id === 'n2' ? { ...n, state: 'down' as const } : n));
    r = round([stack], tasks, nodes);
    expect(changes(r.plan)).toBe(0); // held until its lease runs out
    tasks = r.tasks.map((t) => (t.forNode === 'n2' ? { ...t, status: status(t.id, 'lost') } : t));
    r = round([stack], tasks, nodes);
    expect(r.plan.stop.map((s) => s.reason)).toEqual(['node down']);
    expect(r.plan.place).toEqual([]);
    tasks = r.tasks;

    nodes = nodes.filter((n) => n.id !== 'n3');
    r = round([stack], tasks, nodes);
    expect(r.plan.stop.map((s) => s.reason)).toEqual(['node gone']);
    tasks = r.tasks;

    nodes = nodes.map((n) => (n.id === 'n2' ? { ...n, state: 'ready' as const } : n));
    r = round([stack], tasks, nodes);
    expect(r.plan.place.map((t) => t.forNode)).toEqual(['n2']);
    expect(onNodes(r.tasks)).toEqual(['n1@n1', 'n2@n2']);
  });

  it('replaces a changed spec on the same node, but not on a paused node', () => {
    const stack = deployed('app', [agent()]);
    const nodes = [node('n1'), node('n2')];
    const tasks = deployedOn(stack, nodes);
    const changed = deployed('app', [svc('agent', { image: 'registry.local/agent:2', deploy: { mode: 'global' } })], stack);
    const paused = [nodes[0]!, { ...nodes[1]!, availability: 'pause' as const }];
    const plan = reconcile([changed], tasks, paused, counterContext(1, 'new'));
    expect(plan.replace.map((r) => r.reason)).toEqual(['spec changed']);
    expect(plan.place.map((t) => t.forNode)).toEqual(['n1']);
    expect(plan.keep).toHaveLength(1);
  });

  it('switching mode replaces slot tasks with node tasks', () => {
    const stack = deployed('app', [svc('agent', { deploy: { replicas: 2 } })]);
    const tasks = deployedOn(stack, threeNodes);
    const plan = reconcile([deployed('app', [agent()], stack)], tasks, threeNodes, counterContext());
    expect(plan.stop.map((s) => s.reason)).toEqual(['mode changed', 'mode changed']);
    expect(plan.place.map((t) => t.forNode)).toEqual(['n1', 'n2', 'n3']);
  });
});

describe('reconcile: removed services and stacks', () => {
  it('stops the tasks of a service no longer in the stack', () => {
    const stack = deployed('app', [svc('web'), svc('db')]);
    const tasks = deployedOn(stack, threeNodes);
    const plan = reconcile([deployed('app', [svc('web')], stack)], tasks, threeNodes, counterContext());
    const db = live(tasks).find((t) => t.service === 'db')!;
    expect(plan.stop).toEqual([{ taskId: db.id, reason: 'service removed' }]);
    expect(changes(plan)).toBe(1);
  });

  it('stops every task of a stack no longer deployed, and leaves other stacks alone', () => {
    const a = deployed('a', [svc('web')]);
    const b = deployed('b', [svc('web')]);
    const tasks = round([a, b], [], threeNodes).tasks;
    const plan = reconcile([b], tasks, threeNodes, counterContext());
    expect(plan.stop.map((s) => [tasks.find((t) => t.id === s.taskId)?.stack, s.reason])).toEqual([['a', 'stack removed']]);
    expect(plan.keep).toHaveLength(1);
  });
});
