import { describe, expect, it } from 'vitest';
import type { RestartPolicySpec } from '@berth/api/domain';
import type { TaskView } from './control-api.js';
import type { ServiceExpectation } from './service-expectations.js';
import { isUnplaceable, taskReadiness, trackUnplaceable, type Readiness } from './task-readiness.js';
import { taskView } from './task-view.fixture.js';

const policy = (condition: RestartPolicySpec['condition'], maxAttempts = 0): RestartPolicySpec => ({ condition, maxAttempts, windowMs: 0 });
const svc = (over: Partial<ServiceExpectation> = {}): ServiceExpectation => ({ replicas: 1, healthcheck: false, restart: policy('none'), ...over });
const ctx = { now: 10_000, unplaceableSince: new Map<string, number>(), unplaceableGraceMs: 5_000 };
const NO_NODE = 'no suitable node (port 80 taken on 1 node)';
const unplaced = (id: string): TaskView => taskView('web', 1, { id, state: 'pending', nodeId: undefined, message: NO_NODE });
const pending = (message: string): TaskView => taskView('web', 1, { state: 'pending', nodeId: undefined, message });

describe('taskReadiness', () => {
  it.each<[string, TaskView, ServiceExpectation | undefined, Readiness]>([
    ['running without a check', taskView('web', 1), svc(), { kind: 'ready' }],
    ['running and healthy', taskView('web', 1, { health: 'healthy' }), svc({ healthcheck: true }), { kind: 'ready' }],
    ['running, check not reported', taskView('web', 1), svc({ healthcheck: true }), { kind: 'waiting', reason: 'running, health not reported yet' }],
    ['running, image check starting', taskView('web', 1, { health: 'starting' }), svc(), { kind: 'waiting', reason: 'running, health check starting' }],
    ['unhealthy', taskView('web', 1, { health: 'unhealthy', message: 'curl: 500' }), svc({ healthcheck: true }), { kind: 'waiting', reason: 'running but unhealthy: curl: 500' }],
    ['held by depends_on', pending('waiting for db (service_healthy)'), svc(), { kind: 'waiting', reason: 'waiting for db (service_healthy)' }],
    ['pending without reason', pending(''), svc(), { kind: 'waiting', reason: 'waiting for a node' }],
    ['preparing', taskView('web', 1, { state: 'preparing', message: 'pulling nginx' }), svc(), { kind: 'waiting', reason: 'preparing: pulling nginx' }],
    ['starting', taskView('web', 1, { state: 'starting' }), svc(), { kind: 'waiting', reason: 'starting' }],
    ['one-shot done', taskView('job', 1, { state: 'exited', exitCode: 0 }), svc(), { kind: 'ready' }],
    ['on-failure done', taskView('job', 1, { state: 'exited', exitCode: 0 }), svc({ restart: policy('on-failure') }), { kind: 'ready' }],
    ['exit 0 under always restarts', taskView('web', 1, { state: 'exited', exitCode: 0 }), svc({ restart: policy('any') }), { kind: 'waiting', reason: 'exited with code 0, restarting' }],
    ['crash, no restart', taskView('web', 1, { state: 'failed', exitCode: 2, message: 'exited with code 2; not restarting' }), svc(), { kind: 'failed', reason: 'exited with code 2; not restarting' }],
    ['crash without words', taskView('web', 1, { state: 'failed', exitCode: 2 }), svc(), { kind: 'failed', reason: 'exited with code 2' }],
    ['crash, on-failure restarts', taskView('web', 1, { state: 'failed', exitCode: 1, restarts: 3, message: 'exited with code 1; restarting in 1 s' }), svc({ restart: policy('on-failure') }), { kind: 'waiting', reason: 'exited with code 1; restarting in 1 s' }],
    ['restarts used up', taskView('web', 1, { state: 'failed', exitCode: 1, restarts: 3 }), svc({ restart: policy('on-failure', 3) }), { kind: 'failed', reason: 'exited with code 1' }],
    ['start failure, no restart', taskView('api', 2, { state: 'failed', message: 'image nope:1 not found' }), svc(), { kind: 'failed', reason: 'image nope:1 not found' }],
    ['start failure, first retry', taskView('api', 2, { state: 'failed', restarts: 1 }), svc({ restart: policy('any') }), { kind: 'waiting', reason: 'failed to start, restarting' }],
    ['start failure, keeps failing', taskView('api', 2, { state: 'failed', restarts: 2, message: 'port taken' }), svc({ restart: policy('any') }), { kind: 'failed', reason: 'failed to start 3 times: port taken' }],
    ['lost', taskView('web', 1, { state: 'lost' }), svc(), { kind: 'waiting', reason: 'node lost contact; the task will be replaced' }],
    ['not in the spec: no policy, no restart', taskView('old', 1, { state: 'failed', exitCode: 1, message: 'x' }), undefined, { kind: 'failed', reason: 'x' }],
  ])('%s', (_name, task, service, expected) => {
    expect(taskReadiness(task, service, ctx)).toEqual(expected);
  });

  it('fails an unplaceable task only after the grace', () => {
    const t = unplaced('u1');
    expect(taskReadiness(t, svc(), { ...ctx, unplaceableSince: new Map([['u1', 6_000]]) })).toEqual({ kind: 'waiting', reason: NO_NODE });
    expect(taskReadiness(t, svc(), { ...ctx, unplaceableSince: new Map([['u1', 5_000]]) })).toEqual({ kind: 'failed', reason: NO_NODE });
    // Not tracked yet counts as just seen.
    expect(taskReadiness(t, svc(), ctx)).toEqual({ kind: 'waiting', reason: NO_NODE });
  });
});

describe('isUnplaceable / trackUnplaceable', () => {
  it('tells a placement failure from a dependency wait', () => {
    expect(isUnplaceable(unplaced('a'))).toBe(true);
    expect(isUnplaceable(pending('waiting for db (service_started)'))).toBe(false);
    expect(isUnplaceable(pending(''))).toBe(false);
    expect(isUnplaceable(taskView('web', 1))).toBe(false);
  });

  it('keeps first-seen times, adds new ones at now and drops tasks that found a node', () => {
    const placed = taskView('web', 2, { id: 'b' });
    const next = trackUnplaceable(new Map([['a', 100], ['b', 200]]), [unplaced('a'), placed, unplaced('c')], 900);
    expect([...next]).toEqual([['a', 100], ['c', 900]]);
  });
});
