import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as w from '../gen/berth/v1/spec.js';
import type {
  BerthServiceSettings,
  BuildSpec,
  ConfigSpec,
  DependencySpec,
  DeploySpec,
  FileMountRef,
  HealthcheckSpec,
  NetworkSpec,
  PlacementConstraint,
  PlacementSpec,
  PortSpec,
  ResourceAmounts,
  ResourcesSpec,
  RestartBackoffSettings,
  RestartPolicySpec,
  SecretSpec,
  ServiceNetworkSpec,
  ServiceSpec,
  StackSpec,
  UpdateConfigSpec,
  VolumeMountSpec,
  VolumeSpec,
} from '../spec/stack-spec.js';
import { fromProtoStackSpec, toProtoStackSpec } from './stack-spec.js';

// ---- arbitraries: every field of the domain types, optional keys present or absent ----

/** An arbitrary for every key of T, optional ones included: a new domain field fails to compile here. */
type Model<T> = { [K in keyof T]-?: fc.Arbitrary<Exclude<T[K], undefined>> };
/** The keys of T that may be absent. */
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];

/** Plain-object records of T; the listed optional keys are sometimes absent (never `undefined`). */
function record<T extends object>(model: Model<T>, optional: OptionalKeys<T>[] = []): fc.Arbitrary<T> {
  const requiredKeys = (Object.keys(model) as (keyof T)[]).filter(
    (k) => !(optional as (keyof T)[]).includes(k),
  );
  // Null-prototype objects (fast-check's default mix) would differ from decoded ones under toStrictEqual.
  return fc.record(model, { requiredKeys, noNullPrototype: true }) as unknown as fc.Arbitrary<T>;
}

// Protobuf strings are UTF-8, so only well-formed strings (no lone surrogates) can survive.
const str = fc.string({ unit: 'grapheme', maxLength: 12 });
// ts-proto decodes maps with `obj[key] = value`, where `__proto__` is not an own key.
const key = str.filter((k) => k !== '__proto__');
const dict = <T>(value: fc.Arbitrary<T>): fc.Arbitrary<Record<string, T>> =>
  fc.dictionary(key, value, { maxKeys: 3, noNullPrototype: true });
const strings = fc.array(str, { maxLength: 3 });
const u32 = fc.integer({ min: 0, max: 0xffff_ffff });
const u64 = fc.maxSafeNat();
// proto3 does not write a non-optional double equal to 0, and -0 === 0: -0 would decode as 0.
const double = fc.double().filter((v) => !Object.is(v, -0));

const updateConfig = record<UpdateConfigSpec>({
  parallelism: u32,
  delayMs: u64,
  failureAction: fc.constantFrom('continue', 'rollback', 'pause'),
  monitorMs: u64,
  maxFailureRatio: double,
  order: fc.constantFrom('stop-first', 'start-first'),
});

const amounts = record<ResourceAmounts>({ cpus: double, memoryBytes: u64, pids: u64 }, [
  'cpus',
  'memoryBytes',
  'pids',
]);

const deploy = record<DeploySpec>(
  {
    mode: fc.constantFrom('replicated', 'global'),
    replicas: u32,
    placement: record<PlacementSpec>({
      constraints: fc.array(
        record<PlacementConstraint>({ field: str, op: fc.constantFrom('==', '!='), value: str }),
        { maxLength: 2 },
      ),
      spread: strings,
      maxReplicasPerNode: u32,
    }),
    resources: record<ResourcesSpec>({ limits: amounts, reservations: amounts }),
    updateConfig,
    rollbackConfig: updateConfig,
    labels: dict(str),
  },
  ['updateConfig', 'rollbackConfig'],
);

type Mount<K extends VolumeMountSpec['type']> = Extract<VolumeMountSpec, { type: K }>;
const mount: fc.Arbitrary<VolumeMountSpec> = fc.oneof(
  record<Mount<'bind'>>({
    type: fc.constant('bind'),
    source: str,
    target: str,
    readOnly: fc.boolean(),
    createHostPath: fc.boolean(),
  }),
  record<Mount<'volume'>>(
    { type: fc.constant('volume'), source: str, target: str, readOnly: fc.boolean(), noCopy: fc.boolean() },
    ['source'],
  ),
  record<Mount<'tmpfs'>>({ type: fc.constant('tmpfs'), target: str, sizeBytes: u64, mode: u32 }, [
    'sizeBytes',
    'mode',
  ]),
);

const nullableString = fc.option(str, { nil: null });

const fileRef = record<FileMountRef>({ source: str, target: str, uid: str, gid: str, mode: u32 }, [
  'uid',
  'gid',
  'mode',
]);

const serviceModel: Model<ServiceSpec> = {
  name: str,
  image: str,
  build: record<BuildSpec>(
    {
      context: str,
      dockerfile: str,
      dockerfileInline: str,
      args: dict(nullableString),
      target: str,
      labels: dict(str),
    },
    ['dockerfile', 'dockerfileInline', 'target'],
  ),
  pullPolicy: fc.constantFrom('missing', 'always', 'never', 'build'),
  command: strings,
  entrypoint: strings,
  workingDir: str,
  user: str,
  environment: dict(nullableString),
  ports: fc.array(
    record<PortSpec>(
      {
        target: u32,
        published: u32,
        publishedEnd: u32,
        hostIp: str,
        protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
        mode: fc.constantFrom('ingress', 'host'),
      },
      ['published', 'publishedEnd', 'hostIp'],
    ),
    { maxLength: 2 },
  ),
  expose: strings,
  volumes: fc.array(mount, { maxLength: 3 }),
  networks: dict(
    record<ServiceNetworkSpec>({ aliases: strings, ipv4Address: str, ipv6Address: str }, [
      'ipv4Address',
      'ipv6Address',
    ]),
  ),
  dependsOn: dict(
    record<DependencySpec>({
      condition: fc.constantFrom(
        'service_started',
        'service_healthy',
        'service_completed_successfully',
      ),
      restart: fc.boolean(),
      required: fc.boolean(),
    }),
  ),
  healthcheck: record<HealthcheckSpec>({
    disabled: fc.boolean(),
    test: strings,
    intervalMs: u64,
    timeoutMs: u64,
    retries: u32,
    startPeriodMs: u64,
    startIntervalMs: u64,
  }),
  restart: record<RestartPolicySpec>(
    {
      condition: fc.constantFrom('none', 'on-failure', 'any', 'unless-stopped'),
      maxAttempts: u32,
      delayMs: u64,
      windowMs: u64,
    },
    ['delayMs'],
  ),
  stopSignal: str,
  stopGracePeriodMs: u64,
  init: fc.boolean(),
  labels: dict(str),
  profiles: strings,
  secrets: fc.array(fileRef, { maxLength: 2 }),
  configs: fc.array(fileRef, { maxLength: 2 }),
  deploy,
  berth: record<BerthServiceSettings>({
    driver: fc.constantFrom('docker', 'process'),
    restartBackoff: record<RestartBackoffSettings>({
      initialMs: u64,
      maxMs: u64,
      multiplier: double,
      resetAfterMs: u64,
    }),
    unhealthy: fc.constantFrom('restart', 'flag'),
    placementStrategy: fc.constantFrom('spread', 'binpack'),
    keepRunningWhenDisconnected: fc.boolean(),
  }),
};

const service = record<ServiceSpec>(serviceModel, [
  'image',
  'build',
  'command',
  'entrypoint',
  'workingDir',
  'user',
  'healthcheck',
]);

/** Arbitrary StackSpec covering every field, union member and optional key. */
const stack = record<StackSpec>({
  name: str,
  services: dict(service),
  networks: dict(
    record<NetworkSpec>({
      name: str,
      driver: str,
      external: fc.boolean(),
      internal: fc.boolean(),
      attachable: fc.boolean(),
      enableIpv6: fc.boolean(),
      driverOpts: dict(str),
      labels: dict(str),
    }),
  ),
  volumes: dict(
    record<VolumeSpec>({
      name: str,
      driver: str,
      external: fc.boolean(),
      driverOpts: dict(str),
      labels: dict(str),
    }),
  ),
  secrets: dict(
    record<SecretSpec>({ name: str, file: str, environment: str, external: fc.boolean() }, [
      'file',
      'environment',
    ]),
  ),
  configs: dict(
    record<ConfigSpec>(
      { name: str, file: str, environment: str, content: str, external: fc.boolean() },
      ['file', 'environment', 'content'],
    ),
  ),
});

// ---- helpers ----

const throughWire = (spec: StackSpec): StackSpec =>
  fromProtoStackSpec(w.StackSpec.decode(w.StackSpec.encode(toProtoStackSpec(spec)).finish()));

/** A fixed, fully populated service (the seed makes it the same on every run). */
function sampleService(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  const full = record<ServiceSpec>(serviceModel);
  return { ...fc.sample(full, { numRuns: 1, seed: 7 })[0]!, ...overrides };
}

/** A stack holding one service, `web`. */
const stackWith = (web: ServiceSpec): StackSpec => ({
  name: 's',
  services: { web },
  networks: {},
  volumes: {},
  secrets: {},
  configs: {},
});

// ---- tests ----

describe('StackSpec wire conversion', () => {
  it('round-trips any StackSpec through binary encoding unchanged', () => {
    fc.assert(
      fc.property(stack, (spec) => {
        expect(throughWire(spec)).toStrictEqual(spec);
      }),
      { numRuns: 300 },
    );
  });

  it.each<[string, (svc: ServiceSpec) => void, (back: ServiceSpec) => void]>([
    [
      'a null environment value apart from an empty one',
      (svc) => { svc.environment = { HOME: null, EMPTY: '' }; },
      (back) => expect(back.environment).toStrictEqual({ HOME: null, EMPTY: '' }),
    ],
    [
      'an empty command (an override) apart from an absent entrypoint',
      (svc) => { svc.command = []; delete svc.entrypoint; },
      (back) => {
        expect(back.command).toStrictEqual([]);
        expect('entrypoint' in back).toBe(false);
      },
    ],
    [
      'an anonymous volume (no source key)',
      (svc) => {
        svc.volumes = [{ type: 'volume', target: '/d', readOnly: false, noCopy: true }];
      },
      (back) =>
        expect(back.volumes[0]).toStrictEqual({
          type: 'volume',
          target: '/d',
          readOnly: false,
          noCopy: true,
        }),
    ],
    [
      'published port 0 apart from unset',
      (svc) => {
        svc.ports = [
          { target: 80, published: 0, protocol: 'udp', mode: 'host' },
          { target: 81, protocol: 'tcp', mode: 'ingress' },
        ];
      },
      (back) => {
        expect(back.ports[0]?.published).toBe(0);
        expect(back.ports[1] && 'published' in back.ports[1]).toBe(false);
      },
    ],
    [
      'an absent healthcheck absent',
      (svc) => { delete svc.healthcheck; },
      (back) => expect('healthcheck' in back).toBe(false),
    ],
  ])('keeps %s', (_, mutate, check) => {
    const svc = sampleService();
    mutate(svc);
    const spec = stackWith(svc);
    const back = throughWire(spec);
    expect(back).toStrictEqual(spec);
    check(back.services['web']!);
  });

  it('uses proto enum values, not strings, on the wire', () => {
    const wire = toProtoStackSpec(stackWith(sampleService({ pullPolicy: 'never' })));
    expect(wire.services['web']?.pullPolicy).toBe(w.PullPolicy.NEVER);
  });

  it.each([
    [
      'an UNSPECIFIED enum',
      (m: w.ServiceSpec) => { m.pullPolicy = w.PullPolicy.UNSPECIFIED; },
      'stack.services.web.pullPolicy',
    ],
    [
      'an enum number from a newer peer',
      (m: w.ServiceSpec) => { m.deploy!.mode = 42 as w.DeployMode; },
      'stack.services.web.deploy.mode',
    ],
    [
      'a missing required message',
      (m: w.ServiceSpec) => { delete m.deploy; },
      'stack.services.web.deploy',
    ],
    [
      'a mount without kind',
      (m: w.ServiceSpec) => { m.volumes = [{}]; },
      'stack.services.web.volumes[0].mount',
    ],
  ])('rejects %s with the field path', (_, corrupt, path) => {
    const wire = toProtoStackSpec(stackWith(sampleService()));
    corrupt(wire.services['web']!);
    const decoded = w.StackSpec.decode(w.StackSpec.encode(wire).finish());
    expect(() => fromProtoStackSpec(decoded)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', context: expect.objectContaining({ path }) }),
    );
  });

  it('refuses to encode integers the wire type cannot hold', () => {
    const svc = sampleService();
    const bad = (deployOverride: Partial<DeploySpec>) =>
      w.StackSpec.encode(
        toProtoStackSpec(stackWith({ ...svc, deploy: { ...svc.deploy, ...deployOverride } })),
      );
    expect(() => bad({ replicas: 1.5 })).toThrow(/uint32/);
    expect(() => bad({ replicas: -1 })).toThrow(/uint32/);
  });
});
