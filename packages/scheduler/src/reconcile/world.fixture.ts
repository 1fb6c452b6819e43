/**
 * Test support for the scheduler's tests (no test framework imports, so it compiles with the
 * package): builders for services, stacks, nodes and tasks, a counting id source, and a helper
 * that plays the agents' part by marking assigned tasks running.
 */
import {
  defaultServiceSpec,
  type DeploySpec,
  type NodeInfo,
  type ServiceSpec,
  type StackSpec,
  type TaskStatus,
} from '@berth/api';
import { desiredStack } from './desired-stack.js';
import type { DesiredStack, ReconcileContext, Task } from './model.js';

/** Deploy settings to override, placement and resources merged one level deep. */
export type DeployOverrides = Partial<Omit<DeploySpec, 'placement' | 'resources'>> & {
  placement?: Partial<DeploySpec['placement']>;
  resources?: Partial<DeploySpec['resources']>;
};

/** A docker service named `name` with one replica and no constraints, ports or reservations. */
export function svc(name: string, overrides: Partial<Omit<ServiceSpec, 'deploy'>> & { deploy?: DeployOverrides } = {}): ServiceSpec {
  const { deploy = {}, ...rest } = overrides;
  const base = defaultServiceSpec(name);
  return {
    ...base,
    image: `registry.local/${name}:1`,
    restart: { condition: 'any', maxAttempts: 0, windowMs: 0 },
    ...rest,
    deploy: {
      mode: deploy.mode ?? 'replicated',
      replicas: deploy.replicas ?? 1,
      labels: deploy.labels ?? {},
      placement: { constraints: [], spread: [], maxReplicasPerNode: 0, ...deploy.placement },
      resources: { limits: {}, reservations: {}, ...deploy.resources },
      ...(deploy.updateConfig ? { updateConfig: deploy.updateConfig } : {}),
    },
  };
}

/** A stack spec holding `services`. */
export function stackSpec(name: string, services: readonly ServiceSpec[]): StackSpec {
  return {
    name,
    services: Object.fromEntries(services.map((s) => [s.name, s])),
    networks: {},
    volumes: {},
    secrets: {},
    configs: {},
  };
}

/** The deploy record of a stack of `services` (as first deployed unless `previous` is given). */
export function deployed(name: string, services: readonly ServiceSpec[], previous?: DesiredStack): DesiredStack {
  return desiredStack(stackSpec(name, services), previous);
}

/** A ready, active worker with 8 cpus, 16 GiB and the docker and process drivers. */
export function node(id: string, overrides: Partial<NodeInfo> = {}): NodeInfo {
  return {
    id,
    name: `host-${id}`,
    address: `10.0.0.${id.replace(/\D/g, '') || '1'}`,
    state: 'ready',
    availability: 'active',
    role: 'worker',
    labels: {},
    cpus: 8,
    memoryBytes: 16 * 1024 ** 3,
    drivers: [
      { name: 'docker', available: true, message: '' },
      { name: 'process', available: true, message: '' },
    ],
    ...overrides,
  };
}

/** A status in `state` (health none). */
export function status(taskId: string, state: TaskStatus['state'], over: Partial<TaskStatus> = {}): TaskStatus {
  return { taskId, state, health: 'none', message: '', restarts: 0, stateTimes: {}, ports: [], ...over };
}

/** A live task record; `specHash` should come from the stack it belongs to. */
export function task(id: string, over: Partial<Task> & Pick<Task, 'service' | 'specHash'>): Task {
  return {
    id,
    stack: 'app',
    slot: 1,
    generation: 1,
    desired: 'run',
    createdAt: 0,
    ...over,
    status: over.status ?? status(id, over.nodeId === undefined ? 'pending' : 'running'),
  };
}

/** Ids `t1`, `t2`, … and a fixed clock. */
export function counterContext(now = 1_000, prefix = 't'): ReconcileContext & { issued(): number } {
  let n = 0;
  return {
    now,
    newId: () => `${prefix}${++n}`,
    issued: () => n,
  };
}

/**
 * Plays the agents: every task assigned to a ready node is reported `running` (health as
 * given), every task told to stop on a ready node is dropped, as the store would once the
 * agent confirmed the stop.
 */
export function agentsReport(tasks: readonly Task[], nodes: readonly NodeInfo[], health: TaskStatus['health'] = 'none'): Task[] {
  const ready = new Set(nodes.filter((n) => n.state === 'ready').map((n) => n.id));
  return tasks.flatMap((t): Task[] => {
    const onReady = t.nodeId !== undefined && ready.has(t.nodeId);
    if (t.desired === 'stop') return onReady || t.nodeId === undefined ? [] : [t];
    if (onReady && t.status.state === 'assigned') return [{ ...t, status: { ...t.status, state: 'running', health } }];
    return [t];
  });
}
