/** Conversions between the domain ServiceSpec and berth.v1.ServiceSpec. */
import * as w from '../gen/berth/v1/spec.js';
import type {
  BerthServiceSettings,
  BuildSpec,
  DependencySpec,
  DriverName,
  FileMountRef,
  HealthcheckSpec,
  PlacementStrategy,
  PortSpec,
  PullPolicy,
  RestartPolicySpec,
  ServiceSpec,
  UnhealthyAction,
} from '../spec/stack-spec.js';
import { fromProtoDeploySpec, toProtoDeploySpec } from './deploy-spec.js';
import { fromProtoVolumeMount, toProtoVolumeMount } from './volume-mount.js';
import {
  entryPath,
  enumMapping,
  mapRecord,
  requireMessage,
  withoutUndefined,
} from './wire-fields.js';

/** DriverName ↔ wire DriverName (also used for node driver reports). */
export const driverNameMapping = enumMapping<DriverName, w.DriverName>('DriverName', {
  docker: w.DriverName.DOCKER,
  process: w.DriverName.PROCESS,
});

/** Port protocol ↔ wire PortProtocol (also used for bound ports). */
export const portProtocolMapping = enumMapping<PortSpec['protocol'], w.PortProtocol>(
  'PortProtocol',
  { tcp: w.PortProtocol.TCP, udp: w.PortProtocol.UDP, sctp: w.PortProtocol.SCTP },
);

const pullPolicy = enumMapping<PullPolicy, w.PullPolicy>('PullPolicy', {
  missing: w.PullPolicy.MISSING,
  always: w.PullPolicy.ALWAYS,
  never: w.PullPolicy.NEVER,
  build: w.PullPolicy.BUILD,
});

const portMode = enumMapping<PortSpec['mode'], w.PortMode>('PortMode', {
  ingress: w.PortMode.INGRESS,
  host: w.PortMode.HOST,
});

const dependencyCondition = enumMapping<DependencySpec['condition'], w.DependencyCondition>(
  'DependencyCondition',
  {
    service_started: w.DependencyCondition.SERVICE_STARTED,
    service_healthy: w.DependencyCondition.SERVICE_HEALTHY,
    service_completed_successfully: w.DependencyCondition.SERVICE_COMPLETED_SUCCESSFULLY,
  },
);

const restartCondition = enumMapping<RestartPolicySpec['condition'], w.RestartCondition>(
  'RestartCondition',
  {
    none: w.RestartCondition.NONE,
    'on-failure': w.RestartCondition.ON_FAILURE,
    any: w.RestartCondition.ANY,
    'unless-stopped': w.RestartCondition.UNLESS_STOPPED,
  },
);

const unhealthyAction = enumMapping<UnhealthyAction, w.UnhealthyAction>('UnhealthyAction', {
  restart: w.UnhealthyAction.RESTART,
  flag: w.UnhealthyAction.FLAG,
});

const placementStrategy = enumMapping<PlacementStrategy, w.PlacementStrategy>(
  'PlacementStrategy',
  { spread: w.PlacementStrategy.SPREAD, binpack: w.PlacementStrategy.BINPACK },
);

/** The wire form of a service. */
export function toProtoServiceSpec(spec: ServiceSpec): w.ServiceSpec {
  return {
    name: spec.name,
    image: spec.image,
    build: spec.build && toProtoBuild(spec.build),
    pullPolicy: pullPolicy.toWire(spec.pullPolicy),
    command: spec.command && { values: [...spec.command] },
    entrypoint: spec.entrypoint && { values: [...spec.entrypoint] },
    workingDir: spec.workingDir,
    user: spec.user,
    environment: mapRecord(spec.environment, toNullableString),
    ports: spec.ports.map((p) => ({
      target: p.target,
      published: p.published,
      publishedEnd: p.publishedEnd,
      hostIp: p.hostIp,
      protocol: portProtocolMapping.toWire(p.protocol),
      mode: portMode.toWire(p.mode),
    })),
    expose: [...spec.expose],
    volumes: spec.volumes.map(toProtoVolumeMount),
    networks: mapRecord(spec.networks, (n) => ({
      aliases: [...n.aliases],
      ipv4Address: n.ipv4Address,
      ipv6Address: n.ipv6Address,
    })),
    dependsOn: mapRecord(spec.dependsOn, (d) => ({
      condition: dependencyCondition.toWire(d.condition),
      restart: d.restart,
      required: d.required,
    })),
    healthcheck: spec.healthcheck && copyHealthcheck(spec.healthcheck),
    restart: {
      condition: restartCondition.toWire(spec.restart.condition),
      maxAttempts: spec.restart.maxAttempts,
      delayMs: spec.restart.delayMs,
      windowMs: spec.restart.windowMs,
    },
    stopSignal: spec.stopSignal,
    stopGracePeriodMs: spec.stopGracePeriodMs,
    init: spec.init,
    labels: { ...spec.labels },
    profiles: [...spec.profiles],
    secrets: spec.secrets.map(copyFileMountRef),
    configs: spec.configs.map(copyFileMountRef),
    deploy: toProtoDeploySpec(spec.deploy),
    berth: toProtoBerthSettings(spec.berth),
  };
}

/** The domain form of a wire service; throws (BerthError INTERNAL) on missing parts or unknown enums. */
export function fromProtoServiceSpec(message: w.ServiceSpec, path = 'service'): ServiceSpec {
  const restart = requireMessage(message.restart, `${path}.restart`);
  return withoutUndefined<ServiceSpec>({
    name: message.name,
    image: message.image,
    build: message.build && fromProtoBuild(message.build),
    pullPolicy: pullPolicy.fromWire(message.pullPolicy, `${path}.pullPolicy`),
    command: message.command && [...message.command.values],
    entrypoint: message.entrypoint && [...message.entrypoint.values],
    workingDir: message.workingDir,
    user: message.user,
    environment: mapRecord(message.environment, fromNullableString),
    ports: message.ports.map((p, i) =>
      withoutUndefined<PortSpec>({
        target: p.target,
        published: p.published,
        publishedEnd: p.publishedEnd,
        hostIp: p.hostIp,
        protocol: portProtocolMapping.fromWire(p.protocol, `${path}.ports[${i}].protocol`),
        mode: portMode.fromWire(p.mode, `${path}.ports[${i}].mode`),
      }),
    ),
    expose: [...message.expose],
    volumes: message.volumes.map((v, i) => fromProtoVolumeMount(v, `${path}.volumes[${i}]`)),
    networks: mapRecord(message.networks, (n) =>
      withoutUndefined({
        aliases: [...n.aliases],
        ipv4Address: n.ipv4Address,
        ipv6Address: n.ipv6Address,
      }),
    ),
    dependsOn: mapRecord(message.dependsOn, (d, key) => ({
      condition: dependencyCondition.fromWire(
        d.condition,
        `${entryPath(`${path}.dependsOn`, key)}.condition`,
      ),
      restart: d.restart,
      required: d.required,
    })),
    healthcheck: message.healthcheck && copyHealthcheck(message.healthcheck),
    restart: withoutUndefined<RestartPolicySpec>({
      condition: restartCondition.fromWire(restart.condition, `${path}.restart.condition`),
      maxAttempts: restart.maxAttempts,
      delayMs: restart.delayMs,
      windowMs: restart.windowMs,
    }),
    stopSignal: message.stopSignal,
    stopGracePeriodMs: message.stopGracePeriodMs,
    init: message.init,
    labels: { ...message.labels },
    profiles: [...message.profiles],
    secrets: message.secrets.map(copyFileMountRef),
    configs: message.configs.map(copyFileMountRef),
    deploy: fromProtoDeploySpec(requireMessage(message.deploy, `${path}.deploy`), `${path}.deploy`),
    berth: fromProtoBerthSettings(requireMessage(message.berth, `${path}.berth`), `${path}.berth`),
  });
}

// Null survives the wire as a NullableString without `value` (proto3 maps cannot hold null).
function toNullableString(value: string | null): w.NullableString {
  return value === null ? {} : { value };
}

function fromNullableString(message: w.NullableString): string | null {
  return message.value ?? null;
}

function toProtoBuild(build: BuildSpec): w.BuildSpec {
  return {
    context: build.context,
    dockerfile: build.dockerfile,
    dockerfileInline: build.dockerfileInline,
    args: mapRecord(build.args, toNullableString),
    target: build.target,
    labels: { ...build.labels },
  };
}

function fromProtoBuild(message: w.BuildSpec): BuildSpec {
  return withoutUndefined<BuildSpec>({
    context: message.context,
    dockerfile: message.dockerfile,
    dockerfileInline: message.dockerfileInline,
    args: mapRecord(message.args, fromNullableString),
    target: message.target,
    labels: { ...message.labels },
  });
}

// The domain and wire shapes of health checks and file mounts are identical (wire optionals
// aside), so one field-by-field copy serves both directions.
function copyHealthcheck(check: HealthcheckSpec): HealthcheckSpec {
  return {
    disabled: check.disabled,
    test: [...check.test],
    intervalMs: check.intervalMs,
    timeoutMs: check.timeoutMs,
    retries: check.retries,
    startPeriodMs: check.startPeriodMs,
    startIntervalMs: check.startIntervalMs,
  };
}

function copyFileMountRef(ref: FileMountRef): FileMountRef {
  return withoutUndefined<FileMountRef>({
    source: ref.source,
    target: ref.target,
    uid: ref.uid,
    gid: ref.gid,
    mode: ref.mode,
  });
}

function toProtoBerthSettings(settings: BerthServiceSettings): w.BerthServiceSettings {
  const backoff = settings.restartBackoff;
  return {
    driver: driverNameMapping.toWire(settings.driver),
    restartBackoff: {
      initialMs: backoff.initialMs,
      maxMs: backoff.maxMs,
      multiplier: backoff.multiplier,
      resetAfterMs: backoff.resetAfterMs,
    },
    unhealthy: unhealthyAction.toWire(settings.unhealthy),
    placementStrategy: placementStrategy.toWire(settings.placementStrategy),
    keepRunningWhenDisconnected: settings.keepRunningWhenDisconnected,
  };
}

function fromProtoBerthSettings(message: w.BerthServiceSettings, path: string): BerthServiceSettings {
  const backoff = requireMessage(message.restartBackoff, `${path}.restartBackoff`);
  return {
    driver: driverNameMapping.fromWire(message.driver, `${path}.driver`),
    restartBackoff: {
      initialMs: backoff.initialMs,
      maxMs: backoff.maxMs,
      multiplier: backoff.multiplier,
      resetAfterMs: backoff.resetAfterMs,
    },
    unhealthy: unhealthyAction.fromWire(message.unhealthy, `${path}.unhealthy`),
    placementStrategy: placementStrategy.fromWire(
      message.placementStrategy,
      `${path}.placementStrategy`,
    ),
    keepRunningWhenDisconnected: message.keepRunningWhenDisconnected,
  };
}
