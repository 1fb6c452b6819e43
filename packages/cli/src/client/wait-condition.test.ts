import { describe, expect, it } from 'vitest';
import type { RestartPolicySpec } from '@berth/api/domain';
import type { ServiceExpectation } from './service-expectations.js';
import { taskView } from './task-view.fixture.js';
import { decideWait, readyToAttach } from './wait-condition.js';

const none: RestartPolicySpec = { condition: 'none', maxAttempts: 0, windowMs: 0 };
const expect_ = (entries: [string, Partial<ServiceExpectation>][]): Map<string, ServiceExpectation> =>
  new Map(entries.map(([name, e]) => [name, { replicas: 1, healthcheck: false, restart: none, ...e }]));
const ctx = { now: 0, unplaceableSince: new Map<string, number>(), unplaceableGraceMs: 5_000 };

describe('decideWait', () => {
  it('is done when every expected task is ready', () => {
    const services = expect_([['web', { replicas: 2, healthcheck: true }], ['worker', {}]]);
    const tasks = [taskView('web', 1, { health: 'healthy' }), taskView('web', 2, { health: 'healthy' }), taskView('worker', 1)];
    expect(decideWait(tasks, services, ctx)).toEqual({ outcome: 'done', notReady: [] });
  });

  it('waits while tasks are missing, even if every listed task is ready', () => {
    expect(decideWait([], expect_([['web', { replicas: 2 }]]), ctx)).toEqual({
      outcome: 'pending',
      notReady: [{ name: 'web', reason: '0 of 2 tasks created', failed: false, scope: 'service' }],
    });
    expect(decideWait([], expect_([['agent', { replicas: undefined }]]), ctx).notReady).toEqual([
      { name: 'agent', reason: 'no task yet (global service)', failed: false, scope: 'service' },
    ]);
  });

  it('counts a scaled-to-zero service as done', () => {
    expect(decideWait([], expect_([['web', { replicas: 0 }]]), ctx).outcome).toBe('done');
  });

  it('ignores tasks on their way out', () => {
    const tasks = [taskView('web', 1), taskView('web', 1, { state: 'stopped', id: 'old', desired: 'stop' })];
    expect(decideWait(tasks, expect_([['web', {}]]), ctx).outcome).toBe('done');
  });

  it('lists what is not ready, by service then slot, and fails when one task failed for good', () => {
    const services = expect_([['web', { replicas: 2, healthcheck: true }], ['api', {}]]);
    const tasks = [
      taskView('web', 2, { state: 'starting' }),
      taskView('web', 1, { health: 'starting' }),
      taskView('api', 1, { state: 'failed', message: 'image x not found' }),
    ];
    expect(decideWait(tasks, services, ctx)).toEqual({
      outcome: 'failed',
      notReady: [
        { name: 'api-1', reason: 'image x not found', failed: true, scope: 'task' },
        { name: 'web-1', reason: 'running, health check starting', failed: false, scope: 'task' },
        { name: 'web-2', reason: 'starting', failed: false, scope: 'task' },
      ],
    });
  });

  it('does not take the tasks a deploy replaces for the new ones', () => {
    const old = taskView('web', 1, { id: 'old' });
    const services = expect_([['web', {}]]);
    expect(decideWait([old], services, { ...ctx, outdated: new Set(['old']) })).toEqual({
      outcome: 'pending',
      notReady: [{ name: 'web', reason: '0 of 1 task created', failed: false, scope: 'service' }],
    });
    expect(decideWait([old, taskView('web', 1, { id: 'new' })], services, { ...ctx, outdated: new Set(['old']) }).outcome).toBe('done');
  });

  it('names a global task by its node', () => {
    const tasks = [taskView('agent', 0, { state: 'starting', nodeName: 'box7' })];
    const d = decideWait(tasks, expect_([['agent', { replicas: undefined }]]), ctx);
    expect(d.notReady).toEqual([{ name: 'agent-box7', reason: 'starting', failed: false, scope: 'task' }]);
  });
});

describe('readyToAttach', () => {
  const services = expect_([['web', {}], ['db', { healthcheck: true }]]);
  const attach = (tasks: ReturnType<typeof taskView>[]): boolean => readyToAttach(tasks, decideWait(tasks, services, ctx));

  it('waits while a service is short of tasks or a task is being placed or started', () => {
    expect(attach([taskView('web', 1)])).toBe(false);
    expect(attach([taskView('web', 1), taskView('db', 1, { state: 'preparing' })])).toBe(false);
    expect(attach([taskView('web', 1), taskView('db', 1, { state: 'pending', nodeId: undefined, message: '' })])).toBe(false);
  });

  it('attaches once every task started, without waiting for health or dependencies', () => {
    expect(attach([taskView('web', 1), taskView('db', 1, { health: 'starting' })])).toBe(true);
    expect(attach([taskView('web', 1, { state: 'pending', nodeId: undefined, message: 'waiting for db (service_healthy)' }), taskView('db', 1, { health: 'starting' })])).toBe(true);
  });

  it('attaches when the wait is decided either way', () => {
    expect(attach([taskView('web', 1), taskView('db', 1, { health: 'healthy' })])).toBe(true);
    expect(attach([taskView('web', 1, { state: 'failed', message: 'boom' })])).toBe(true);
  });
});
