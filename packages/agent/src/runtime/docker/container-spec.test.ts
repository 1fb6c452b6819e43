// The spec → container-create mapping, table by table; no engine involved.
import { describe, expect, it } from 'vitest';
import { defaultServiceSpec, type NetworkSpec, type ServiceSpec, type VolumeSpec } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';
import { containerSpec, engineNetworkName } from './container-spec.js';

function service(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  const base = defaultServiceSpec('web');
  return {
    ...base,
    image: 'example/web:1',
    networks: { default: { aliases: [] } },
    restart: { condition: 'any', maxAttempts: 0, windowMs: 0 },
    berth: { ...base.berth, keepRunningWhenDisconnected: true },
    ...overrides,
  };
}

function network(name: string): NetworkSpec {
  return { name, driver: 'bridge', external: false, internal: false, attachable: false, enableIpv6: false, driverOpts: {}, labels: {} };
}

function volume(name: string): VolumeSpec {
  return { name, driver: 'local', external: false, driverOpts: {}, labels: {} };
}

function task(spec: Partial<ServiceSpec> = {}, extra: Partial<TaskDescriptor> = {}): TaskDescriptor {
  return {
    ref: { taskId: '0190f3a2-7c1e-7d2b-9a4f-1b2c3d4e5f60', stack: 'shop', service: 'web', slot: 2, nodeId: 'node-a' },
    spec: service(spec),
    projectDir: '/srv/shop',
    nodeAddress: '10.0.0.5',
    networks: { default: network('shop_default') },
    volumes: {},
    ...extra,
  };
}

describe('containerSpec: identity', () => {
  it('names the container <stack>-<service>-<slot>-<short task id> and labels it', () => {
    const plan = containerSpec(task({ labels: { team: 'blue', 'io.berth.task': 'spoofed' } }));
    expect(plan.name).toBe('shop-web-2-1b2c3d4e5f60');
    expect(plan.create.name).toBe(plan.name);
    expect(plan.create.Labels).toEqual({
      team: 'blue',
      'io.berth.stack': 'shop',
      'io.berth.service': 'web',
      'io.berth.task': '0190f3a2-7c1e-7d2b-9a4f-1b2c3d4e5f60',
      'io.berth.node': 'node-a',
      'io.berth.slot': '2',
    });
  });

  it.each<[string, string | undefined, string]>([
    ['image as given', 'example/web:1', 'example/web:1'],
    ['a build-only service gets <stack>-<service>', undefined, 'shop-web'],
  ])('image: %s', (_, image, expected) => {
    const spec = image === undefined ? service({ build: { context: '.', args: {}, labels: {} } }) : service({ image });
    if (image === undefined) delete spec.image;
    const plan = containerSpec(task({}, { spec }));
    expect(plan.image).toBe(expected);
    expect(plan.create.Image).toBe(expected);
  });
});

describe('containerSpec: process', () => {
  it.each<[string, Partial<ServiceSpec>, Record<string, unknown>]>([
    ['environment without null entries', { environment: { A: '1', B: null, C: '' } }, { Env: ['A=1', 'C='] }],
    ['command and entrypoint as lists', { command: ['sh', '-c', 'echo hi'], entrypoint: ['/init'] }, { Cmd: ['sh', '-c', 'echo hi'], Entrypoint: ['/init'] }],
    ['user and working dir', { user: '1000:1000', workingDir: '/app' }, { User: '1000:1000', WorkingDir: '/app' }],
    ['stop signal and grace in whole seconds, rounded up', { stopSignal: 'SIGQUIT', stopGracePeriodMs: 1_500 }, { StopSignal: 'SIGQUIT', StopTimeout: 2 }],
  ])('%s', (_, spec, expected) => {
    expect(containerSpec(task(spec)).create).toMatchObject(expected);
  });

  it('leaves Cmd, Entrypoint, User and WorkingDir to the image when not given', () => {
    const create = containerSpec(task()).create;
    for (const key of ['Cmd', 'Entrypoint', 'User', 'WorkingDir', 'Healthcheck']) expect(create).not.toHaveProperty(key);
  });

  it.each<[string, Partial<ServiceSpec>, unknown]>([
    ['no check: the image keeps its own', {}, undefined],
    ['a berth check: the image check is switched off', { healthcheck: { disabled: false, test: ['CMD', 'true'], intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0, startIntervalMs: 1 } }, { Test: ['NONE'] }],
    ['a disabled check: switched off too', { healthcheck: { disabled: true, test: [], intervalMs: 1, timeoutMs: 1, retries: 1, startPeriodMs: 0, startIntervalMs: 1 } }, { Test: ['NONE'] }],
  ])('engine health check: %s', (_, spec, expected) => {
    expect(containerSpec(task(spec)).create.Healthcheck).toEqual(expected);
  });
});

describe('containerSpec: host config', () => {
  it.each<[string, Partial<ServiceSpec>, Record<string, unknown>]>([
    ['never an engine restart policy', {}, { RestartPolicy: { Name: 'no' } }],
    ['init only when asked', { init: true }, { Init: true }],
    [
      'limits and reservation',
      { deploy: { ...service().deploy, resources: { limits: { cpus: 0.5, memoryBytes: 268_435_456, pids: 100 }, reservations: { memoryBytes: 1_048_576 } } } },
      { NanoCpus: 500_000_000, Memory: 268_435_456, PidsLimit: 100, MemoryReservation: 1_048_576 },
    ],
  ])('%s', (_, spec, expected) => {
    expect(containerSpec(task(spec)).create.HostConfig).toMatchObject(expected);
  });

  it('sets no limits or init when none are given', () => {
    const host = containerSpec(task()).create.HostConfig ?? {};
    for (const key of ['NanoCpus', 'Memory', 'PidsLimit', 'MemoryReservation', 'Init']) expect(host).not.toHaveProperty(key);
  });
});

describe('containerSpec: ports', () => {
  it.each<[string, ServiceSpec['ports'], ServiceSpec['expose'], Record<string, unknown>, Record<string, unknown>]>([
    ['published on its host IP', [{ target: 80, published: 8080, hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' }], [], { '80/tcp': {} }, { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }] }],
    ['no host IP: the node address', [{ target: 53, published: 5353, protocol: 'udp', mode: 'host' }], [], { '53/udp': {} }, { '53/udp': [{ HostIp: '10.0.0.5', HostPort: '5353' }] }],
    ['unpublished: the engine chooses', [{ target: 80, protocol: 'tcp', mode: 'ingress' }], [], { '80/tcp': {} }, { '80/tcp': [{ HostIp: '10.0.0.5', HostPort: '' }] }],
    ['a host range', [{ target: 80, published: 8000, publishedEnd: 8010, protocol: 'tcp', mode: 'ingress' }], [], { '80/tcp': {} }, { '80/tcp': [{ HostIp: '10.0.0.5', HostPort: '8000-8010' }] }],
    ['IPv6 host IP without brackets', [{ target: 80, published: 80, hostIp: '[::1]', protocol: 'tcp', mode: 'ingress' }], [], { '80/tcp': {} }, { '80/tcp': [{ HostIp: '::1', HostPort: '80' }] }],
    [
      'one target on two host ports',
      [
        { target: 80, published: 8080, hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' },
        { target: 80, published: 8081, hostIp: '127.0.0.1', protocol: 'tcp', mode: 'ingress' },
      ],
      [],
      { '80/tcp': {} },
      { '80/tcp': [{ HostIp: '127.0.0.1', HostPort: '8080' }, { HostIp: '127.0.0.1', HostPort: '8081' }] },
    ],
    ['expose only: no binding, ranges expanded', [], ['3000', '53/udp', '7000-7002'], { '3000/tcp': {}, '53/udp': {}, '7000/tcp': {}, '7001/tcp': {}, '7002/tcp': {} }, {}],
    ['an unreadable expose entry is skipped', [], ['http', '9-1'], {}, {}],
  ])('%s', (_, ports, expose, exposed, bindings) => {
    const create = containerSpec(task({ ports, expose })).create;
    expect(create.ExposedPorts).toEqual(exposed);
    expect(create.HostConfig?.PortBindings).toEqual(bindings);
  });
});

describe('containerSpec: mounts', () => {
  it.each<[string, ServiceSpec['volumes'], Record<string, VolumeSpec>, string[], unknown[]]>([
    ['bind creating its host path goes to Binds', [{ type: 'bind', source: '/data', target: '/d', readOnly: true, createHostPath: true }], {}, ['/data:/d:ro'], []],
    ['a relative bind resolves against the project', [{ type: 'bind', source: './conf', target: '/conf', readOnly: false, createHostPath: true }], {}, ['/srv/shop/conf:/conf'], []],
    [
      'bind without create_host_path goes to Mounts',
      [{ type: 'bind', source: '/data', target: '/d', readOnly: false, createHostPath: false }],
      {},
      [],
      [{ Type: 'bind', Source: '/data', Target: '/d', ReadOnly: false }],
    ],
    ['a named volume gets <stack>_<name>', [{ type: 'volume', source: 'db', target: '/var/lib/db', readOnly: false, noCopy: false }], {}, [], [{ Type: 'volume', Source: 'shop_db', Target: '/var/lib/db', ReadOnly: false }]],
    [
      'a volume with its own name keeps it',
      [{ type: 'volume', source: 'db', target: '/db', readOnly: true, noCopy: true }],
      { db: volume('shared-db') },
      [],
      [{ Type: 'volume', Source: 'shared-db', Target: '/db', ReadOnly: true, VolumeOptions: { NoCopy: true } }],
    ],
    ['an anonymous volume has no source', [{ type: 'volume', target: '/cache', readOnly: false, noCopy: false }], {}, [], [{ Type: 'volume', Source: '', Target: '/cache', ReadOnly: false }]],
    [
      'tmpfs with size and mode',
      [{ type: 'tmpfs', target: '/run', sizeBytes: 65_536, mode: 0o1770 }],
      {},
      [],
      [{ Type: 'tmpfs', Source: '', Target: '/run', ReadOnly: false, TmpfsOptions: { SizeBytes: 65_536, Mode: 0o1770 } }],
    ],
    ['plain tmpfs', [{ type: 'tmpfs', target: '/tmp' }], {}, [], [{ Type: 'tmpfs', Source: '', Target: '/tmp', ReadOnly: false }]],
  ])('%s', (_, volumes, stackVolumes, binds, mounts) => {
    const host = containerSpec(task({ volumes }, { volumes: stackVolumes })).create.HostConfig;
    expect(host?.Binds).toEqual(binds);
    expect(host?.Mounts).toEqual(mounts);
  });
});

describe('containerSpec: networks', () => {
  it('joins the first network at create, with the service name as an alias', () => {
    const plan = containerSpec(task({ networks: { default: { aliases: ['www', 'web'] } } }));
    expect(plan.create.HostConfig?.NetworkMode).toBe('shop_default');
    expect(plan.create.NetworkingConfig).toEqual({ EndpointsConfig: { shop_default: { Aliases: ['web', 'www'] } } });
    expect(plan.laterNetworks).toEqual([]);
  });

  it('returns the other networks to connect after create, with static addresses', () => {
    const plan = containerSpec(
      task(
        { networks: { front: { aliases: [] }, back: { aliases: ['api'], ipv4Address: '172.30.0.9' } } },
        { networks: { front: network('shop_front'), back: network('backplane') } },
      ),
    );
    expect(plan.create.HostConfig?.NetworkMode).toBe('shop_front');
    expect(plan.laterNetworks).toEqual([{ network: 'backplane', aliases: ['web', 'api'], ipv4Address: '172.30.0.9' }]);
  });

  it('without networks (network_mode) leaves the engine default', () => {
    const plan = containerSpec(task({ networks: {} }));
    expect(plan.create.HostConfig).not.toHaveProperty('NetworkMode');
    expect(plan.create).not.toHaveProperty('NetworkingConfig');
  });

  it.each<[string, Record<string, NetworkSpec>, string]>([
    ['declared network: its engine name', { back: network('custom') }, 'custom'],
    ['undeclared: <stack>_<key>', {}, 'shop_back'],
  ])('engineNetworkName, %s', (_, networks, expected) => {
    expect(engineNetworkName('back', 'shop', networks)).toBe(expected);
  });
});
