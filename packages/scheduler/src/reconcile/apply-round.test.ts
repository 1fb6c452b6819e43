import { describe, expect, it } from 'vitest';
import { applyRound } from './apply-round.js';
import { schedule } from './schedule.js';
import { counterContext, deployed, node, svc } from './world.fixture.js';

describe('applyRound', () => {
  const port = { target: 80, published: 80, protocol: 'tcp' as const, mode: 'host' as const };

  it('assigns placed tasks, records why the others wait, and marks stops', () => {
    const ctx = counterContext(42);
    const db = svc('db');
    const web = svc('web', { ports: [port], deploy: { replicas: 2 } });
    const api = svc('api', { dependsOn: { db: { condition: 'service_started', restart: false, required: true } } });
    const stack = deployed('app', [db, web, api]);
    const round = schedule([stack], [], [node('n1')], ctx);
    const tasks = applyRound([], round, ctx.now);
    const view = tasks.map((t) => [t.service, t.slot, t.nodeId, t.status.state, t.pendingReason]);
    expect(view).toEqual([
      ['db', 1, 'n1', 'assigned', undefined],
      ['web', 1, 'n1', 'assigned', undefined],
      ['web', 2, undefined, 'pending', 'no suitable node (port 80 taken on 1 node)'],
      ['api', 1, undefined, 'pending', 'waiting for db (service_started)'],
    ]);
    expect(tasks[0]!.status.stateTimes).toEqual({ pending: 42, assigned: 42 });

    const scaledDown = deployed('app', [db, svc('web', { ports: [port], deploy: { replicas: 1 } }), api], stack);
    const next = applyRound(tasks, schedule([scaledDown], tasks, [node('n1')], ctx), 43);
    expect(next.map((t) => [t.service, t.slot, t.desired])).toEqual([
      ['db', 1, 'run'],
      ['web', 1, 'run'],
      ['web', 2, 'stop'],
      ['api', 1, 'run'],
    ]);
  });

  it('a pending task that gets a node drops its pending reason', () => {
    const ctx = counterContext();
    const stack = deployed('app', [svc('web')]);
    const first = applyRound([], schedule([stack], [], [], ctx), 1);
    expect(first[0]!.pendingReason).toBe('no suitable node (no nodes)');
    const second = applyRound(first, schedule([stack], first, [node('n1')], ctx), 2);
    expect(second[0]).toMatchObject({ nodeId: 'n1', status: { state: 'assigned' } });
    expect(second[0]).not.toHaveProperty('pendingReason');
  });
});
