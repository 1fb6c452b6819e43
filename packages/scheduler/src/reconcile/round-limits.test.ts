// RoundLimits.maxTasks: a round creates at most that many tasks and gives at most that many a
// node; the rest is left to later rounds, and nothing it leaves behind is placed by mistake.
import { describe, expect, it } from 'vitest';
import type { ServiceSpec } from '@berth/api';
import { applyRound } from './apply-round.js';
import type { Task } from './model.js';
import { deferredTasks, schedule } from './schedule.js';
import { agentsReport, counterContext, deployed, node, svc } from './world.fixture.js';

const nodes = [node('n1'), node('n2'), node('n3')];
const web = (replicas: number, over: Partial<ServiceSpec> = {}): ServiceSpec => svc('web', { ...over, deploy: { replicas } });

describe('schedule with RoundLimits.maxTasks', () => {
  it('creates and places at most maxTasks, in slot order, and counts the rest as deferred', () => {
    const r = schedule([deployed('app', [web(25)])], [], nodes, counterContext(), { maxTasks: 10 });
    expect(r.plan.place.map((t) => t.slot)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(r.plan.deferred).toBe(15);
    expect(r.placement.assignments.size).toBe(10);
    expect(deferredTasks(r)).toBe(15);
  });

  it('rounds applied back to back fill every slot, then defer nothing', () => {
    const stack = deployed('app', [web(25)]);
    const ctx = counterContext();
    let tasks: Task[] = [];
    const perRound: number[] = [];
    for (let i = 0; i < 10; i++) {
      const r = schedule([stack], tasks, nodes, ctx, { maxTasks: 10 });
      tasks = agentsReport(applyRound(tasks, r, ctx.now), nodes);
      perRound.push(r.placement.assignments.size);
      if (deferredTasks(r) === 0) break;
    }
    expect(perRound).toEqual([10, 10, 5]);
    expect(tasks.map((t) => t.slot).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    expect(tasks.every((t) => t.status.state === 'running')).toBe(true);
  });

  it('a deferred replacement keeps the old task, and never places it when it has no node', () => {
    const first = deployed('app', [web(4)]);
    const ctx = counterContext();
    // Slots 1-2 run on n1; slots 3-4 are pending (n1 was paused before they were made).
    const running = agentsReport(applyRound([], schedule([first], [], nodes.slice(0, 1), ctx, { maxTasks: 2 }), ctx.now), nodes);
    const pending = schedule([first], running, [node('n1', { availability: 'pause' })], ctx).plan.place;
    const tasks = [...running, ...pending];
    expect(tasks.map((t) => [t.slot, t.nodeId])).toEqual([
      [1, 'n1'],
      [2, 'n1'],
      [3, undefined],
      [4, undefined],
    ]);

    const second = deployed('app', [web(4, { image: 'registry.local/web:2' })], first);
    const r = schedule([second], tasks, nodes, ctx, { maxTasks: 1 });
    expect(r.plan.replace.map((p) => p.old)).toEqual([tasks[0]!.id]);
    expect(r.plan.stop.map((s) => s.taskId)).toEqual([tasks[0]!.id]);
    expect(r.plan.keep.sort()).toEqual([tasks[1]!.id, tasks[2]!.id, tasks[3]!.id].sort());
    // Only the new task is placed: the held pending ones of the old spec are not.
    expect(r.plan.unassigned.map((t) => t.id)).toEqual([r.plan.place[0]!.id]);
    expect(r.plan.deferred).toBe(3);
  });

  it('a dependency whose tasks are all deferred is not met', () => {
    const app = svc('app', { dependsOn: { db: { condition: 'service_started', restart: false, required: true } }, deploy: { replicas: 2 } });
    const db = svc('db', { deploy: { replicas: 3 } });
    const r = schedule([deployed('stack', [app, db])], [], nodes, counterContext(), { maxTasks: 2 });
    expect(r.plan.place.map((t) => t.service)).toEqual(['app', 'app']);
    expect([...r.plan.waiting.values()]).toEqual(['waiting for db (service_started)', 'waiting for db (service_started)']);
    expect(r.placement.assignments.size).toBe(0);
  });

  it('tasks no node can take do not use up the placement cap; the rest wait with a reason', () => {
    const stuck = svc('stuck', { deploy: { replicas: 5, placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'mars' }] } } });
    const ctx = counterContext();
    const stack = deployed('app', [stuck, web(3)]);
    // Made while every node was paused: all 8 tasks are pending when the nodes open up.
    const paused = nodes.map((n) => ({ ...n, availability: 'pause' as const }));
    const before = applyRound([], schedule([stack], [], paused, ctx), ctx.now);
    expect(before.every((t) => t.nodeId === undefined)).toBe(true);
    const r = schedule([stack], before, nodes, ctx, { maxTasks: 2 });
    expect(r.placement.unplaced.size).toBe(5);
    expect(r.placement.assignments.size).toBe(2);
    const after = applyRound(before, r, ctx.now);
    const webTasks = after.filter((t) => t.service === 'web');
    expect(webTasks.map((t) => t.nodeId ?? t.pendingReason)).toEqual(['n1', 'n2', 'queued for placement (at most 2 tasks are placed per round)']);
  });
});
