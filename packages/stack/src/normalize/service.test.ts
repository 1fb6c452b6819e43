import { describe, expect, it } from 'vitest';
import { defaultBerthSettings, DEFAULT_STOP_GRACE_PERIOD_MS, type ServiceSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import { lookupIn } from '../env.js';
import type { RawMap } from '../raw-model.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeService, type StackScope } from './service.js';

const scope: StackScope = {
  services: new Set(['web', 'db']),
  networks: new Set(['default']),
  volumes: new Set(),
  secrets: new Set(),
  configs: new Set(),
};

const service = (raw: RawMap): { spec: ServiceSpec; messages: string[] } => {
  const diag = new Diagnostics();
  const ctx: NormalizeContext = { projectName: 'p', diag, lookup: lookupIn({}), readEnvFile: () => ({ values: {}, diagnostics: [] }) };
  const spec = normalizeService('web', raw, scope, ctx);
  return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
};

describe('normalizeService', () => {
  it('fills every default for a minimal image service', () => {
    expect(service({ image: 'nginx:1.27' })).toEqual({
      spec: {
        name: 'web',
        image: 'nginx:1.27',
        pullPolicy: 'missing',
        environment: {},
        ports: [],
        expose: [],
        volumes: [],
        networks: { default: { aliases: [] } },
        dependsOn: {},
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
          replicas: 1,
          placement: { constraints: [], spread: [], maxReplicasPerNode: 0 },
          resources: { limits: {}, reservations: {} },
          labels: {},
        },
        berth: defaultBerthSettings(),
      },
      messages: [],
    });
  });

  it('reads the simple scalar keys', () => {
    const { spec, messages } = service({
      image: 'app',
      command: 'serve --port 80',
      entrypoint: ['/entry.sh'],
      working_dir: '/srv',
      user: 1000,
      stop_signal: 'SIGINT',
      stop_grace_period: '1m30s',
      init: 'true',
      labels: ['a=b'],
      profiles: ['debug'],
    });
    expect(messages).toEqual([]);
    expect(spec).toMatchObject({
      command: ['serve', '--port', '80'],
      entrypoint: ['/entry.sh'],
      workingDir: '/srv',
      user: '1000',
      stopSignal: 'SIGINT',
      stopGracePeriodMs: 90_000,
      init: true,
      labels: { a: 'b' },
      profiles: ['debug'],
    });
  });

  it.each<[RawMap, ServiceSpec['pullPolicy']]>([
    [{ image: 'a' }, 'missing'],
    [{ build: '/p' }, 'build'],
    [{ image: 'a', build: '/p' }, 'missing'],
    [{ image: 'a', pull_policy: 'always' }, 'always'],
    [{ image: 'a', pull_policy: 'if_not_present' }, 'missing'],
    [{ image: 'a', pull_policy: 'never' }, 'never'],
    [{ image: 'a', build: '/p', pull_policy: 'build' }, 'build'],
  ])('pull policy of %j is %s', (raw, policy) => {
    expect(service(raw)).toMatchObject({ spec: { pullPolicy: policy }, messages: [] });
  });

  it('treats time-based pull policies as the default (the schema stage warns) and reports unknown ones', () => {
    for (const p of ['daily', 'weekly', 'refresh', 'every_12h', 'every_1d30m']) {
      expect(service({ image: 'a', pull_policy: p })).toMatchObject({ spec: { pullPolicy: 'missing' }, messages: [] });
    }
    expect(service({ image: 'a', pull_policy: 'sometimes' }).messages).toEqual([
      'services.web.pull_policy: invalid pull_policy "sometimes": expected "missing", "always", "never" or "build"',
    ]);
    expect(service({ image: 'a', pull_policy: 'build' }).messages).toEqual(['services.web.pull_policy: pull_policy "build" needs a build section']);
  });

  it('needs an image or a build for the docker driver, unless an external provider runs the service', () => {
    expect(service({ command: 'x' }).messages).toEqual(['services.web: service "web" has neither an image nor a build section']);
    expect(service({ provider: { type: 'model', options: { model: 'ai/smollm2' } } }).messages).toEqual([]);
  });

  it('needs a command and no image or build for the process driver', () => {
    expect(service({ 'x-berth': { driver: 'process' }, command: ['./worker', '--once'] })).toMatchObject({
      spec: { command: ['./worker', '--once'], berth: { driver: 'process' } },
      messages: [],
    });
    expect(service({ 'x-berth': { driver: 'process' }, image: 'alpine', build: '/p' }).messages).toEqual([
      'services.web.image: service "web" uses the process driver, which runs a host command: it cannot have an image',
      'services.web.build: service "web" uses the process driver: it cannot have a build section',
      'services.web: service "web" uses the process driver and needs a command to run',
    ]);
  });

  it('treats empty strings from unset variables as "not set"', () => {
    const { spec, messages } = service({ image: '', build: { context: '/p', dockerfile: '' }, working_dir: '', user: '', stop_signal: '', pull_policy: '' });
    expect(messages).toEqual([]);
    expect(spec).toMatchObject({ pullPolicy: 'build', build: { context: '/p', args: {}, labels: {} }, stopSignal: 'SIGTERM' });
    expect(spec).not.toHaveProperty('image');
    expect(spec).not.toHaveProperty('workingDir');
    expect(spec).not.toHaveProperty('user');
    expect(spec.build).not.toHaveProperty('dockerfile');
  });

  it('keeps going after errors so one pass reports them all', () => {
    const { messages } = service({ image: 'a', ports: ['80800'], stop_grace_period: '10', depends_on: ['ghost'], restart: 'sometimes' });
    expect(messages).toEqual([
      'services.web.ports[0]: "80800" is not a valid port',
      'services.web.depends_on[0]: depends on undefined service "ghost"',
      'services.web.restart: invalid restart policy "sometimes": expected "no", "always", "on-failure[:max-retries]" or "unless-stopped"',
      'services.web.stop_grace_period: invalid duration "10": a unit is required, e.g. "10s", "1m30s" or "500ms"',
    ]);
  });
});
