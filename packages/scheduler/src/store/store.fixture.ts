/**
 * Test data for the state store's tests, the crash test's child process and the benchmark
 * (no test framework imports, so it compiles with the package and runs under plain node).
 */
import type { NodeInfo, ServiceSpec, StackSpec, TaskState, TaskStatus } from '@berth/api';
import type { DesiredStack, Task } from '../reconcile/model.js';
import type { StateStore } from './state-store.js';

/** A small but complete service spec. */
export function sampleService(name: string, replicas = 1): ServiceSpec {
  return {
    name,
    image: `registry.local/${name}:1`,
    pullPolicy: 'missing',
    command: ['serve', '--port', '8080'],
    environment: { LOG_LEVEL: 'info', UNSET: null },
    ports: [{ target: 8080, published: 18080, protocol: 'tcp', mode: 'host' }],
    expose: [],
    volumes: [{ type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false }],
    networks: { default: { aliases: [name] } },
    dependsOn: {},
    restart: { condition: 'any', maxAttempts: 0, windowMs: 0 },
    stopSignal: 'SIGTERM',
    stopGracePeriodMs: 10_000,
    init: false,
    labels: { team: 'core' },
    profiles: [],
    secrets: [],
    configs: [],
    deploy: {
      mode: 'replicated',
      replicas,
      placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'a' }], spread: [], maxReplicasPerNode: 0 },
      resources: { limits: { cpus: 0.5, memoryBytes: 256 * 2 ** 20 }, reservations: {} },
      labels: {},
    },
    berth: {
      driver: 'docker',
      restartBackoff: { initialMs: 100, maxMs: 60_000, multiplier: 2, resetAfterMs: 10_000 },
      unhealthy: 'restart',
      placementStrategy: 'spread',
      keepRunningWhenDisconnected: false,
    },
  };
}

/** A deployed stack with the given services, each at `generation` with a made-up hash. */
export function sampleStack(name: string, services: readonly string[], generation = 1): DesiredStack {
  const spec: StackSpec = { name, services: {}, networks: {}, volumes: {}, secrets: {}, configs: {} };
  const desired: DesiredStack = { spec, services: {} };
  for (const service of services) {
    const serviceSpec = sampleService(service);
    spec.services[service] = serviceSpec;
    desired.services[service] = { spec: serviceSpec, hash: `${service}-g${generation}`, generation };
  }
  return desired;
}

/** A task status in `state`, as an agent would report it. */
export function sampleStatus(taskId: string, state: TaskState = 'running', restarts = 0): TaskStatus {
  return {
    taskId,
    state,
    health: 'none',
    message: '',
    restarts,
    ...(state === 'running' ? { runtimeId: `ctr-${taskId}` } : {}),
    stateTimes: { pending: 1_000, [state]: 2_000 + restarts },
    ports: state === 'running' ? [{ target: 8080, published: 18080, hostIp: '0.0.0.0', protocol: 'tcp' }] : [],
  };
}

/** A task of `stack/service` in `slot`, placed on `nodeId` (pending when undefined). */
export function sampleTask(id: string, stack: string, service: string, slot: number, nodeId?: string): Task {
  return {
    id,
    stack,
    service,
    slot,
    specHash: `${service}-g1`,
    generation: 1,
    ...(nodeId !== undefined ? { nodeId } : { pendingReason: 'no suitable node' }),
    desired: 'run',
    status: sampleStatus(id, nodeId !== undefined ? 'running' : 'pending'),
    createdAt: 1_000,
  };
}

/** A ready, active worker node. */
export function sampleNode(id: string, labels: Record<string, string> = { zone: 'a' }): NodeInfo {
  return {
    id,
    name: `host-${id}`,
    address: `10.0.0.${id.length}`,
    state: 'ready',
    availability: 'active',
    role: 'worker',
    labels,
    cpus: 4,
    memoryBytes: 8 * 2 ** 30,
    drivers: [{ name: 'docker', available: true, message: '27.1' }],
  };
}

/**
 * Writes a varied state: `tasks` tasks over two stacks and three nodes, then status reports,
 * moves, cleared fields, removals and a re-created task, some in transactions, some not.
 */
export function writeSampleState(store: StateStore, tasks = 300): void {
  store.transaction((tx) => {
    tx.putStack(sampleStack('shop', ['web', 'db']));
    tx.putStack(sampleStack('blog', ['app']));
    tx.putStack(sampleStack('gone', ['x']));
    for (const id of ['n1', 'n2', 'n3']) tx.putNode(sampleNode(id), 1_000);
  });
  const services = [['shop', 'web'], ['shop', 'db'], ['blog', 'app']] as const;
  store.transaction((tx) => {
    for (let i = 0; i < tasks; i++) {
      const [stack, service] = services[i % services.length]!;
      tx.putTask(sampleTask(`t${i}`, stack, service, Math.floor(i / services.length) + 1, i % 7 === 0 ? undefined : `n${(i % 3) + 1}`));
    }
  });
  for (let i = 0; i < tasks; i += 2) store.setTaskStatus(sampleStatus(`t${i}`, 'running', 1));
  store.transaction((tx) => {
    for (let i = 1; i < tasks; i += 10) tx.updateTask(`t${i}`, { nodeId: 'n2', pendingReason: undefined });
    for (let i = 3; i < tasks; i += 10) tx.updateTask(`t${i}`, { nodeId: undefined, desired: 'stop' });
    for (let i = 5; i < tasks; i += 50) tx.removeTask(`t${i}`);
  });
  store.removeTask('t0');
  store.putTask(sampleTask('t0', 'shop', 'web', 1, 'n3'));
  store.removeStack('gone');
  store.heartbeat('n2', 2_000);
  store.removeNode('n3');
  store.putStack(sampleStack('blog', ['app', 'worker'], 2));
}
