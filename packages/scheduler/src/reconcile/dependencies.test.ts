import { describe, expect, it } from 'vitest';
import type { DependencyCondition, DependencySpec, HealthcheckSpec, ServiceSpec, TaskStatus } from '@berth/api';
import { conditionMet, waitingReason, type ServiceProgress } from './dependencies.js';
import type { DesiredStack, Task } from './model.js';
import { reconcile } from './reconcile.js';
import { counterContext, deployed, node, status, svc, task } from './world.fixture.js';

const check: HealthcheckSpec = {
  disabled: false,
  test: ['CMD', 'true'],
  intervalMs: 1000,
  timeoutMs: 1000,
  retries: 3,
  startPeriodMs: 0,
  startIntervalMs: 1000,
};
const dep = (condition: DependencyCondition, required = true): DependencySpec => ({ condition, restart: false, required });
const progress = (statuses: Partial<TaskStatus>[], over: { healthcheck?: HealthcheckSpec; creating?: boolean } = {}): ServiceProgress => ({
  spec: svc('db', over.healthcheck ? { healthcheck: over.healthcheck } : {}),
  kept: statuses.map((s, i) => task(`db${i}`, { service: 'db', specHash: 'h', nodeId: 'n1', status: status(`db${i}`, 'running', s) })),
  creating: over.creating ?? false,
});

describe('conditionMet', () => {
  it.each<[string, DependencyCondition, ServiceProgress, boolean]>([
    ['started: all running', 'service_started', progress([{}, {}]), true],
    ['started: one still starting', 'service_started', progress([{}, { state: 'starting' }]), false],
    ['started: a one-shot that ran and exited', 'service_started', progress([{ state: 'exited', exitCode: 0 }]), true],
    ['started: assigned only', 'service_started', progress([{ state: 'assigned' }]), false],
    ['started: tasks still being created', 'service_started', progress([{}], { creating: true }), false],
    ['healthy: running, no health check', 'service_healthy', progress([{}]), true],
    ['healthy: running, check disabled', 'service_healthy', progress([{}], { healthcheck: { ...check, disabled: true } }), true],
    ['healthy: running and healthy', 'service_healthy', progress([{ health: 'healthy' }], { healthcheck: check }), true],
    ['healthy: still starting its check', 'service_healthy', progress([{ health: 'starting' }], { healthcheck: check }), false],
    ['healthy: one unhealthy', 'service_healthy', progress([{ health: 'healthy' }, { health: 'unhealthy' }], { healthcheck: check }), false],
    ['completed: exited 0', 'service_completed_successfully', progress([{ state: 'exited', exitCode: 0 }]), true],
    ['completed: exited 1', 'service_completed_successfully', progress([{ state: 'exited', exitCode: 1 }]), false],
    ['completed: still running', 'service_completed_successfully', progress([{}]), false],
    ['a service scaled to 0 has nothing to wait for', 'service_healthy', progress([]), true],
  ])('%s → %s', (_name, condition, p, met) => {
    expect(conditionMet(p, condition)).toBe(met);
  });
});

describe('waitingReason', () => {
  const web = (dependsOn: Record<string, DependencySpec>): ServiceSpec => svc('web', { dependsOn });
  const unmet = progress([{ state: 'starting' }]);
  const met = progress([{}]);

  it.each<[string, Record<string, DependencySpec>, Record<string, ServiceProgress>, string | undefined]>([
    ['no dependencies', {}, {}, undefined],
    ['one met', { db: dep('service_started') }, { db: met }, undefined],
    ['one unmet', { db: dep('service_healthy') }, { db: unmet }, 'waiting for db (service_healthy)'],
    [
      'every unmet one, in declaration order',
      { db: dep('service_healthy'), cache: dep('service_started'), auth: dep('service_started') },
      { db: unmet, cache: unmet, auth: met },
      'waiting for db (service_healthy), cache (service_started)',
    ],
    ['a missing optional one is ignored', { db: dep('service_healthy', false) }, {}, undefined],
    ['a missing required one waits', { db: dep('service_healthy') }, {}, 'waiting for db (service_healthy)'],
  ])('%s', (_name, dependsOn, services, reason) => {
    expect(waitingReason(web(dependsOn), new Map(Object.entries(services)))).toBe(reason);
  });
});

describe('reconcile holds dependents back', () => {
  const nodes = [node('n1'), node('n2')];
  const db = svc('db', { healthcheck: check });
  const web = svc('web', { dependsOn: { db: dep('service_healthy') }, deploy: { replicas: 2 } });

  it('creates the dependent tasks but keeps them out of placement until the dependency is healthy', () => {
    const stack = deployed('app', [db, web]);
    const plan = reconcile([stack], [], nodes, counterContext());
    const webIds = plan.place.filter((t) => t.service === 'web').map((t) => t.id);
    expect(webIds).toHaveLength(2);
    expect([...plan.waiting]).toEqual(webIds.map((id) => [id, 'waiting for db (service_healthy)']));
    expect(plan.unassigned.map((t) => t.service)).toEqual(['db']);
  });

  it.each<[string, Partial<TaskStatus>, boolean]>([
    ['db running but its check still starting', { health: 'starting' }, true],
    ['db healthy', { health: 'healthy' }, false],
  ])('%s → held: %s', (_name, dbStatus, held) => {
    const stack: DesiredStack = deployed('app', [db, web]);
    const h = (name: string): string => stack.services[name]!.hash;
    const tasks: Task[] = [
      task('db1', { service: 'db', specHash: h('db'), nodeId: 'n1', status: status('db1', 'running', dbStatus) }),
      task('w1', { service: 'web', specHash: h('web'), slot: 1, pendingReason: 'waiting for db (service_healthy)' }),
      task('w2', { service: 'web', specHash: h('web'), slot: 2, pendingReason: 'waiting for db (service_healthy)' }),
    ];
    const plan = reconcile([stack], tasks, nodes, counterContext());
    expect(plan.place).toEqual([]);
    expect(plan.waiting.size).toBe(held ? 2 : 0);
    expect(plan.unassigned.map((t) => t.id)).toEqual(held ? [] : ['w1', 'w2']);
  });

  it('never holds tasks that already have a node', () => {
    const stack = deployed('app', [db, web]);
    const h = (name: string): string => stack.services[name]!.hash;
    const tasks = [
      task('db1', { service: 'db', specHash: h('db'), nodeId: 'n1', status: status('db1', 'starting') }),
      task('w1', { service: 'web', specHash: h('web'), slot: 1, nodeId: 'n2' }),
      task('w2', { service: 'web', specHash: h('web'), slot: 2 }),
    ];
    const plan = reconcile([stack], tasks, nodes, counterContext());
    expect([...plan.waiting.keys()]).toEqual(['w2']);
  });
});
