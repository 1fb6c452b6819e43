import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Diagnostics } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { checkModel, validateModel } from './validate-model.js';

/** A one-service stack with `fragment` merged into the service. */
function stack(fragment: RawMap, top: RawMap = {}): RawMap {
  return { services: { web: { image: 'nginx', ...fragment } }, ...top };
}

function errorsOf(model: RawMap): string[] {
  return checkModel(model).problems.map((p) => p.message);
}

describe('validateModel accepts every Compose syntax of the supported keys', () => {
  const cases: [string, RawMap, RawMap?][] = [
    ['build as a context path', { build: '.' }],
    ['build long form', { build: { context: './app', dockerfile: 'Dockerfile.dev', args: { A: 1, B: null }, target: 'dev', labels: ['a=b'] } }],
    ['build inline Dockerfile', { build: { dockerfile_inline: 'FROM alpine\nRUN true' } }],
    ['build with ignored keys', { build: { context: '.', platforms: ['linux/amd64'], ssh: ['default'], secrets: ['s'], additional_contexts: { base: 'service:base' }, entitlements: ['network.host'], no_cache_filter: 'stage' } }],
    ['pull_policy values', { pull_policy: 'if_not_present' }],
    ['pull_policy time based', { pull_policy: 'every_12h30m' }],
    ['command as a string', { command: 'npm start' }],
    ['command as a list, entrypoint null', { command: ['npm', 'start'], entrypoint: null }],
    ['working_dir and user', { working_dir: '/app', user: '1000:1000' }],
    ['environment mapping with null', { environment: { A: '1', B: 2, C: true, D: null } }],
    ['environment list', { environment: ['A=1', 'B'] }],
    ['env_file string', { env_file: '.env' }],
    ['env_file long form', { env_file: ['.env', { path: 'x.env', required: false, format: 'raw' }] }],
    ['ports short forms', { ports: [80, '8080:80', '127.0.0.1:8080:80/udp', '[::1]:53:53/udp', '::1:6000:6000', '8000-8010:8000-8010', '127.0.0.1::5000', '9090', '6060:6060/SCTP'] }],
    ['ports long form', { ports: [{ target: 80, published: '8080', host_ip: '0.0.0.0', protocol: 'tcp', mode: 'host', name: 'web', app_protocol: 'http' }, { target: 443, published: 8443 }, { target: 81, published: '8000-8010' }] }],
    ['expose', { expose: [3000, '3001', '4000-4005/udp'] }],
    ['volumes short form', { volumes: ['./data:/data:ro', 'named:/var/lib/x', '/tmp/anon', 'C:\\data:/data'] }],
    ['volumes long form', { volumes: [
      { type: 'bind', source: '.', target: '/src', read_only: true, bind: { create_host_path: true, propagation: 'rshared', selinux: 'z' } },
      { type: 'volume', source: 'v', target: '/v', volume: { nocopy: true, subpath: 'sub' } },
      { type: 'tmpfs', target: '/t', tmpfs: { size: '64m', mode: 1777 } },
      { type: 'image', source: 'alpine', target: '/img', image: { subpath: 'etc' } },
    ] }],
    ['tmpfs as string and list', { tmpfs: ['/run', '/tmp:size=64m'] }],
    ['networks as a list', { networks: ['front', 'back'] }],
    ['networks as a mapping', { networks: { front: null, back: { aliases: ['db'], ipv4_address: '10.0.0.5', ipv6_address: '::5', interface_name: 'eth1', gw_priority: 1, priority: 10, link_local_ips: ['169.254.0.2'], mac_address: '02:42:ac:11:00:02', driver_opts: { a: 1 } } } }],
    ['depends_on as a list', { depends_on: ['db', 'cache'] }],
    ['depends_on long form', { depends_on: { db: { condition: 'service_healthy', restart: true, required: false }, init: { condition: 'service_completed_successfully' } } }],
    ['healthcheck with a shell string', { healthcheck: { test: 'curl -f http://localhost || exit 1' } }],
    ['healthcheck long', { healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost'], interval: '1m30s', timeout: '10s', retries: 3, start_period: '40s', start_interval: '500ms' } }],
    ['healthcheck CMD-SHELL and NONE', { healthcheck: { test: ['CMD-SHELL', 'pg_isready'] } }],
    ['healthcheck disabled', { healthcheck: { test: ['NONE'], disable: true } }],
    ['restart on-failure with a count', { restart: 'on-failure:3' }],
    ['restart "no"', { restart: 'no' }],
    ['stop signal and grace period', { stop_signal: 'SIGRTMIN+3', stop_grace_period: '1.5s' }],
    ['numeric stop signal, zero grace period', { stop_signal: '9', stop_grace_period: '0' }],
    ['init, labels, profiles', { init: true, labels: { 'com.example.a': 'b', n: 1 }, profiles: ['debug', 'tools'] }],
    ['secrets and configs, both syntaxes', { secrets: ['s', { source: 's2', target: '/run/s', uid: '103', gid: '103', mode: 0o440 }], configs: [{ source: 'c', mode: '0440' }] }],
    ['cpus and memory', { cpus: 0.5, mem_limit: '1.5G', mem_reservation: 268435456, scale: 2 }],
    ['memory sizes', { mem_limit: '1gb', mem_reservation: '512 MiB' }],
    ['deploy null', { deploy: null }],
    ['deploy full', { deploy: {
      mode: 'replicated', replicas: 3, endpoint_mode: 'vip', labels: { a: 'b' },
      resources: { limits: { cpus: '0.5', memory: '512M', pids: 100 }, reservations: { cpus: 0.25, memory: '128m', devices: [{ capabilities: ['gpu'], count: 'all' }], generic_resources: [{ discrete_resource_spec: { kind: 'gpu', value: 2 } }] } },
      restart_policy: { condition: 'on-failure', delay: '5s', max_attempts: 3, window: '120s' },
      update_config: { parallelism: 2, delay: '10s', failure_action: 'rollback', monitor: '1m', max_failure_ratio: 0.2, order: 'start-first' },
      rollback_config: { parallelism: 0, failure_action: 'pause', order: 'stop-first' },
      placement: { constraints: ['node.role == manager', 'node.labels.zone!=eu'], preferences: [{ spread: 'node.labels.zone' }], max_replicas_per_node: 1 },
    } }],
    ['deploy global job', { deploy: { mode: 'global-job' } }],
    ['extends as a name', { extends: 'base' }],
    ['extends long form', { extends: { service: 'base', file: 'common.yml' } }],
    ['x-berth, every key', { 'x-berth': { driver: 'process', restart_backoff: { initial: '100ms', max: '1m', multiplier: 1.5, reset_after: '10s' }, unhealthy: 'flag', placement_strategy: 'binpack', keep_running_when_disconnected: true } }],
    ['other x- keys are free-form', { 'x-notes': { anything: [1, { goes: null }] } }],
    ['ignored keys in their Compose shapes', {
      privileged: true, read_only: 'true', cap_add: ['NET_ADMIN'], container_name: 'web-1', hostname: 'web',
      logging: { driver: 'json-file', options: { 'max-size': '10m', 'max-file': 3 } },
      ulimits: { nofile: { soft: 1024, hard: 2048 }, nproc: 65535 }, sysctls: { 'net.core.somaxconn': 1024 },
      develop: { watch: [{ path: './src', action: 'sync+exec', target: '/app', exec: { command: ['kill', '-HUP', '1'] }, 'x-note': 1 }] },
      post_start: [{ command: 'echo started', user: 'root' }], pre_stop: [{ command: ['sh', '-c', 'sleep 1'] }],
      pre_start: [{ image: 'alpine', command: 'true' }], provider: { type: 'model', options: { model: 'ai/x', flags: ['a', 1] } },
      models: ['llm'], use_api_socket: true, label_file: './labels', gpus: 'all', extra_hosts: ['host.docker.internal:host-gateway'],
      network_mode: 'host', devices: ['/dev/fuse', { source: '/dev/kvm', permissions: 'rwm' }], pid: null,
      cpu_count: 2, cpu_percent: '50', blkio_config: { weight: 300, device_read_bps: [{ path: '/dev/sda', rate: '12mb' }] },
    }],
    ['extra_hosts as a mapping', { extra_hosts: { 'db.local': ['10.0.0.2', '::2'] } }],
    ['top-level keys', {}, {
      version: '3.8', name: 'shop', 'x-common': { image: 'busybox' },
      include: ['a.yml', { path: ['b.yml', 'c.yml'], env_file: '.env', project_directory: '..' }],
      networks: { front: null, back: { driver: 'overlay', attachable: true, internal: false, enable_ipv6: true, driver_opts: { mtu: 1400 }, labels: ['a=b'], ipam: { config: [{ subnet: '10.0.0.0/24' }] } }, ext: { external: true, name: 'x' }, old: { external: { name: 'y' } }, 'odd name': {} },
      volumes: { data: null, db: { driver: 'local', driver_opts: { type: 'nfs', o: 'addr=10.0.0.1' }, labels: { a: 'b' } }, ext: { external: true } },
      secrets: { s: { file: './s.txt' }, e: { environment: 'TOKEN' }, x: { external: true, name: 'prod' }, l: { file: 'l', labels: ['a=b'], driver: 'vault', template_driver: 'golang' } },
      configs: { c: { content: 'hello' }, f: { file: './c', name: 'conf' } },
      models: { llm: { model: 'ai/smollm2', context_size: 4096 } },
    }],
    ['obsolete numeric version', {}, { version: 3 }],
  ];

  it.each(cases)('%s', (_name, fragment, top) => {
    expect(errorsOf(stack(fragment, top))).toEqual([]);
  });
});

const REALISTIC = `
name: shop
x-logging: &logging
  driver: json-file
  options: { max-size: 10m }
services:
  web:
    build: { context: ./web, args: { NODE_ENV: production } }
    image: shop/web:1.4
    ports: ["8080:3000", "127.0.0.1:9229:9229"]
    environment:
      DATABASE_URL: postgres://shop@db/shop
      REDIS_URL:
    env_file: [.env, { path: .env.local, required: false }]
    depends_on:
      db: { condition: service_healthy }
      cache: { condition: service_started, required: false }
    healthcheck:
      test: ["CMD", "wget", "-qO-", "http://localhost:3000/health"]
      interval: 10s
      timeout: 2s
      retries: 5
      start_period: 15s
    deploy:
      replicas: 2
      resources: { limits: { cpus: "0.50", memory: 512M } }
      update_config: { parallelism: 1, order: start-first }
      placement: { constraints: ["node.labels.tier == front"] }
    restart: unless-stopped
    logging: *logging
    labels: [traefik.enable=true]
    networks: [front, back]
    x-berth: { placement_strategy: spread, unhealthy: restart }
  db:
    image: postgres:16
    volumes: [db-data:/var/lib/postgresql/data, ./init.sql:/docker-entrypoint-initdb.d/init.sql:ro]
    environment: [POSTGRES_USER=shop, POSTGRES_DB=shop]
    secrets: [db_password]
    healthcheck:
      test: pg_isready -U shop
      interval: 5s
    stop_grace_period: 1m
    networks: { back: { aliases: [database] } }
  cache:
    image: redis:7
    command: redis-server --save "" --appendonly no
    tmpfs: /data
    networks: [back]
  worker:
    image: shop/worker
    command: ["node", "worker.js"]
    scale: 3
    init: true
    profiles: [jobs]
    x-berth:
      driver: process
      restart_backoff: { initial: 200ms, max: 30s, multiplier: 2, reset_after: 1m }
networks:
  front:
  back: { internal: true }
volumes:
  db-data:
secrets:
  db_password: { file: ./secrets/db_password.txt }
`;

describe('a realistic stack file', () => {
  it('validates without errors and keeps its values (only the quoted cpus become a number)', () => {
    const model = parse(REALISTIC, { merge: true }) as RawMap;
    const diag = new Diagnostics();
    const out = validateModel(model, diag);
    expect(diag.items).toEqual([]);
    const expected = structuredClone(model);
    const limits = (((expected.services as RawMap).web as RawMap).deploy as RawMap).resources as RawMap;
    expect(limits.limits).toEqual({ cpus: '0.50', memory: '512M' });
    limits.limits = { cpus: 0.5, memory: '512M' };
    expect(out).toEqual(expected);
  });
});

describe('coercion of interpolated values', () => {
  const interpolated = stack(
    {
      init: 'true',
      cpus: '1.5',
      scale: '2',
      environment: { A: null, B: '3', C: 'true' },
      labels: { n: '1' },
      image: '12',
      command: ['sleep', '10'],
      ports: ['80', { target: '8080', published: '80' }],
      healthcheck: { retries: '5', disable: 'no' },
      depends_on: { db: { condition: 'service_started', required: 'false', restart: 'yes' } },
      deploy: { replicas: '3', resources: { limits: { cpus: '0.5', pids: '64' } }, update_config: { max_failure_ratio: '0.1' } },
      volumes: [{ type: 'volume', source: 'v', target: '/v', read_only: 'on' }],
      'x-berth': { restart_backoff: { multiplier: '1.5' }, keep_running_when_disconnected: 'off' },
    },
    { networks: { n: { external: 'true' } } },
  );

  it('turns numeric and boolean strings into numbers and booleans where Compose expects them', () => {
    const { model, problems } = checkModel(interpolated);
    expect(problems).toEqual([]);
    const web = (model.services as RawMap).web as RawMap;
    expect(web.init).toBe(true);
    expect(web.cpus).toBe(1.5);
    expect(web.scale).toBe(2);
    expect(web.healthcheck).toEqual({ retries: 5, disable: false });
    expect(web.depends_on).toEqual({ db: { condition: 'service_started', required: false, restart: true } });
    expect(web.deploy).toEqual({ replicas: 3, resources: { limits: { cpus: 0.5, pids: 64 } }, update_config: { max_failure_ratio: 0.1 } });
    expect((web.volumes as RawMap[])[0]?.read_only).toBe(true);
    expect(web['x-berth']).toEqual({ restart_backoff: { multiplier: 1.5 }, keep_running_when_disconnected: false });
    expect(model.networks).toEqual({ n: { external: true } });
    expect((web.ports as RawValue[])[1]).toEqual({ target: 8080, published: '80' });
  });

  it('leaves strings alone where strings are allowed, and null environment values null', () => {
    const web = (checkModel(interpolated).model.services as RawMap).web as RawMap;
    expect(web.environment).toEqual({ A: null, B: '3', C: 'true' });
    expect(web.labels).toEqual({ n: '1' });
    expect(web.image).toBe('12');
    expect(web.command).toEqual(['sleep', '10']);
    expect((web.ports as RawValue[])[0]).toBe('80');
  });

  it('does not modify the model it is given', () => {
    const before = structuredClone(interpolated);
    validateModel(interpolated, new Diagnostics());
    expect(interpolated).toEqual(before);
  });

  it('coerces any interpolated replica count and boolean, and never touches environment values', () => {
    fc.assert(
      fc.property(
        fc.nat(),
        fc.boolean(),
        fc.dictionary(fc.stringMatching(/^[A-Z_][A-Z0-9_]{0,8}$/), fc.option(fc.string(), { nil: null })),
        (replicas, flag, env) => {
          const { model, problems } = checkModel(
            stack({ deploy: { replicas: String(replicas) }, init: String(flag), environment: env }),
          );
          expect(problems).toEqual([]);
          const web = (model.services as RawMap).web as RawMap;
          expect(web.deploy).toEqual({ replicas });
          expect(web.init).toBe(flag);
          expect(web.environment).toEqual(env);
        },
      ),
    );
  });
});
