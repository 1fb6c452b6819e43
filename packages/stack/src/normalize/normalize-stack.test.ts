import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { defaultBerthSettings, DEFAULT_HEALTHCHECK, DEFAULT_STOP_GRACE_PERIOD_MS, type StackSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import type { RawMap } from '../raw-model.js';
import { normalizeStack, type NormalizeContext } from './normalize-stack.js';

function context(diag = new Diagnostics()): NormalizeContext {
  const files: Record<string, Record<string, string>> = { '/srv/shop/api.env': { LOG_LEVEL: 'info', DB_HOST: 'wrong' } };
  return {
    projectName: 'shop',
    diag,
    lookup: lookupIn({ API_KEY: 'k-123' }),
    readEnvFile: (file) => ({ values: files[file] ?? {}, diagnostics: [] }),
  };
}

/** What the loader hands over for a small web shop: paths absolute, everything merged. */
const SHOP: RawMap = {
  name: 'shop',
  services: {
    web: {
      image: 'nginx:1.27',
      ports: ['80:80', { target: 443, published: 8443, mode: 'host' }],
      volumes: ['/srv/shop/nginx.conf:/etc/nginx/nginx.conf:ro'],
      networks: ['front'],
      depends_on: { api: { condition: 'service_healthy', restart: true } },
      deploy: { replicas: 2, placement: { constraints: ['node.labels.zone == eu'] } },
    },
    api: {
      build: { context: '/srv/shop/api', args: { VERSION: '2.1' } },
      command: 'node server.js --port 3000',
      env_file: '/srv/shop/api.env',
      environment: ['DB_HOST=db', 'API_KEY'],
      expose: [3000],
      networks: { front: { aliases: ['backend'] }, back: null },
      depends_on: ['db'],
      healthcheck: { test: ['CMD', 'curl', '-f', 'http://localhost:3000/health'], interval: '10s', retries: 5 },
      restart: 'on-failure:3',
      cpus: '0.5',
      mem_limit: '256m',
      secrets: ['db_password'],
      'x-berth': { restart_backoff: { max: '30s' } },
    },
    db: {
      image: 'postgres:16',
      environment: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
      volumes: [{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data' }],
      networks: ['back'],
      healthcheck: { test: 'pg_isready -U postgres', interval: '5s', timeout: '3s' },
      secrets: [{ source: 'db_password', mode: 0o400 }],
      stop_grace_period: '1m',
      deploy: { resources: { limits: { memory: '1g' }, reservations: { cpus: 1 } }, restart_policy: { condition: 'any', delay: '5s' } },
    },
  },
  networks: { front: {}, back: { internal: true } },
  volumes: { pgdata: null },
  secrets: { db_password: { file: '/srv/shop/secrets/db_password.txt' } },
};

const network = (name: string, internal = false) => ({
  name, driver: 'bridge', external: false, internal, attachable: false, enableIpv6: false, driverOpts: {}, labels: {},
});
const noPlacement = { constraints: [], spread: [], maxReplicasPerNode: 0 };
const started = { condition: 'service_started', restart: false, required: true } as const;

describe('normalizeStack', () => {
  it('turns a realistic stack into the whole StackSpec', () => {
    const diag = new Diagnostics();
    const stack = normalizeStack(SHOP, context(diag));
    expect(diag.items).toEqual([]);
    const expected: StackSpec = {
      name: 'shop',
      services: {
        web: {
          name: 'web',
          image: 'nginx:1.27',
          pullPolicy: 'missing',
          environment: {},
          ports: [
            { target: 80, published: 80, protocol: 'tcp', mode: 'ingress' },
            { target: 443, published: 8443, protocol: 'tcp', mode: 'host' },
          ],
          expose: [],
          volumes: [{ type: 'bind', source: '/srv/shop/nginx.conf', target: '/etc/nginx/nginx.conf', readOnly: true, createHostPath: true }],
          networks: { front: { aliases: [] } },
          dependsOn: { api: { condition: 'service_healthy', restart: true, required: true } },
          restart: { condition: 'none', maxAttempts: 0, windowMs: 0 },
          stopSignal: 'SIGTERM',
          stopGracePeriodMs: DEFAULT_STOP_GRACE_PERIOD_MS,
          init: false,
          labels: {},
          profiles: [],
          secrets: [],
          configs: [],
          deploy: {
            mode: 'replicated',
            replicas: 2,
            placement: { constraints: [{ field: 'node.labels.zone', op: '==', value: 'eu' }], spread: [], maxReplicasPerNode: 0 },
            resources: { limits: {}, reservations: {} },
            labels: {},
          },
          berth: defaultBerthSettings(),
        },
        api: {
          name: 'api',
          build: { context: '/srv/shop/api', args: { VERSION: '2.1' }, labels: {} },
          pullPolicy: 'build',
          command: ['node', 'server.js', '--port', '3000'],
          environment: { LOG_LEVEL: 'info', DB_HOST: 'db', API_KEY: 'k-123' },
          ports: [],
          expose: ['3000'],
          volumes: [],
          networks: { front: { aliases: ['backend'] }, back: { aliases: [] } },
          dependsOn: { db: started },
          healthcheck: {
            ...DEFAULT_HEALTHCHECK,
            disabled: false,
            test: ['CMD', 'curl', '-f', 'http://localhost:3000/health'],
            intervalMs: 10_000,
            retries: 5,
          },
          restart: { condition: 'on-failure', maxAttempts: 3, windowMs: 0 },
          stopSignal: 'SIGTERM',
          stopGracePeriodMs: DEFAULT_STOP_GRACE_PERIOD_MS,
          init: false,
          labels: {},
          profiles: [],
          secrets: [{ source: 'db_password', target: '/run/secrets/db_password' }],
          configs: [],
          deploy: {
            mode: 'replicated',
            replicas: 1,
            placement: noPlacement,
            resources: { limits: { cpus: 0.5, memoryBytes: 268_435_456 }, reservations: {} },
            labels: {},
          },
          berth: { ...defaultBerthSettings(), restartBackoff: { initialMs: 100, maxMs: 30_000, multiplier: 2, resetAfterMs: 10_000 } },
        },
        db: {
          name: 'db',
          image: 'postgres:16',
          pullPolicy: 'missing',
          environment: { POSTGRES_PASSWORD_FILE: '/run/secrets/db_password' },
          ports: [],
          expose: [],
          volumes: [{ type: 'volume', source: 'pgdata', target: '/var/lib/postgresql/data', readOnly: false, noCopy: false }],
          networks: { back: { aliases: [] } },
          dependsOn: {},
          healthcheck: { ...DEFAULT_HEALTHCHECK, disabled: false, test: ['CMD-SHELL', 'pg_isready -U postgres'], intervalMs: 5_000, timeoutMs: 3_000 },
          restart: { condition: 'any', maxAttempts: 0, delayMs: 5_000, windowMs: 0 },
          stopSignal: 'SIGTERM',
          stopGracePeriodMs: 60_000,
          init: false,
          labels: {},
          profiles: [],
          secrets: [{ source: 'db_password', target: '/run/secrets/db_password', mode: 0o400 }],
          configs: [],
          deploy: {
            mode: 'replicated',
            replicas: 1,
            placement: noPlacement,
            resources: { limits: { memoryBytes: 1_073_741_824 }, reservations: { cpus: 1 } },
            labels: {},
          },
          berth: defaultBerthSettings(),
        },
      },
      networks: { front: network('shop_front'), back: network('shop_back', true), default: network('shop_default') },
      volumes: { pgdata: { name: 'shop_pgdata', driver: 'local', external: false, driverOpts: {}, labels: {} } },
      secrets: { db_password: { name: 'shop_db_password', external: false, file: '/srv/shop/secrets/db_password.txt' } },
      configs: {},
    };
    expect(stack).toEqual(expected);
  });

  it('reports dependency cycles once, naming the cycle', () => {
    const diag = new Diagnostics();
    normalizeStack({ services: { a: { image: 'x', depends_on: ['b'] }, b: { image: 'x', depends_on: { a: { condition: 'service_healthy' } } } } }, context(diag));
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual(['services.a.depends_on: dependency cycle a → b → a']);
  });

  it('does not report references to a malformed service a second time', () => {
    const diag = new Diagnostics();
    const stack = normalizeStack({ services: { web: { image: 'x', depends_on: ['db'] }, db: null } }, context(diag));
    expect(diag.items).toEqual([]);
    expect(Object.keys(stack.services)).toEqual(['web']);
  });

  it('keeps user-chosen names like __proto__ and constructor as plain keys', () => {
    // The YAML reader makes null-prototype maps whose `__proto__` key is an ordinary own key.
    const raw = (entries: [string, unknown][]): RawMap => {
      const m = Object.create(null) as RawMap;
      for (const [k, v] of entries) Object.defineProperty(m, k, { value: v, enumerable: true, writable: true, configurable: true });
      return m;
    };
    const diag = new Diagnostics();
    const stack = normalizeStack(
      raw([
        ['services', raw([
          ['__proto__', raw([['image', 'a'], ['environment', raw([['__proto__', 'x'], ['constructor', 'y']])], ['depends_on', ['constructor']]])],
          ['constructor', raw([['image', 'b'], ['pull_policy', 'constructor'], ['restart', 'toString']])],
        ])],
        ['volumes', raw([['__proto__', null]])],
      ]),
      context(diag),
    );
    expect(Object.keys(stack.services)).toEqual(['__proto__', 'constructor']);
    expect(Object.getPrototypeOf(stack.services)).toBe(Object.prototype);
    expect(Object.entries(stack.services['__proto__']?.environment ?? {})).toEqual([['__proto__', 'x'], ['constructor', 'y']]);
    expect(Object.keys(stack.services['__proto__']?.dependsOn ?? {})).toEqual(['constructor']);
    expect(Object.keys(stack.volumes)).toEqual(['__proto__']);
    expect(stack.services['constructor']).toMatchObject({ pullPolicy: 'missing', restart: { condition: 'none' } });
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.constructor.pull_policy: invalid pull_policy "constructor": expected "missing", "always", "never" or "build"',
      'services.constructor.restart: invalid restart policy "toString": expected "no", "always", "on-failure[:max-retries]" or "unless-stopped"',
    ]);
  });

  it('returns an empty stack with a default network for an empty model', () => {
    expect(normalizeStack({}, context())).toEqual({
      name: 'shop', services: {}, networks: { default: network('shop_default') }, volumes: {}, secrets: {}, configs: {},
    });
  });

  it('never throws, whatever shape the (invalid) model has', () => {
    const value = fc.letrec((tie) => ({
      any: fc.oneof({ depthSize: 'small' }, fc.string(), fc.integer(), fc.double(), fc.boolean(), fc.constant(null), fc.array(tie('any'), { maxLength: 4 }), fc.dictionary(fc.string(), tie('any'), { maxKeys: 4 })),
    })).any;
    const keys = ['image', 'build', 'command', 'entrypoint', 'ports', 'expose', 'volumes', 'tmpfs', 'networks', 'depends_on', 'healthcheck', 'restart', 'deploy', 'environment', 'env_file', 'secrets', 'configs', 'labels', 'x-berth', 'scale', 'cpus', 'mem_limit', 'stop_grace_period'];
    const service = fc.dictionary(fc.constantFrom(...keys), value, { maxKeys: 8 });
    const model = fc.record({
      services: fc.oneof(value, fc.dictionary(fc.string({ maxLength: 5 }), service, { maxKeys: 4 })),
      networks: fc.oneof(value, fc.dictionary(fc.constantFrom('default', 'front'), value)),
      volumes: fc.oneof(value, fc.dictionary(fc.constantFrom('data', 'logs'), value)),
      secrets: value,
      configs: value,
    });
    fc.assert(
      fc.property(model, (m) => {
        const stack = normalizeStack(m as RawMap, context());
        expect(stack.networks['default']).toBeDefined();
      }),
      { numRuns: 300 },
    );
  });
});
