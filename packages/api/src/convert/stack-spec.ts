/** Conversions between the domain StackSpec (and its top-level resources) and berth.v1. */
import type * as w from '../gen/berth/v1/spec.js';
import type {
  ConfigSpec,
  NetworkSpec,
  SecretSpec,
  StackSpec,
  VolumeSpec,
} from '../spec/stack-spec.js';
import { fromProtoServiceSpec, toProtoServiceSpec } from './service-spec.js';
import { entryPath, mapRecord, withoutUndefined } from './wire-fields.js';

/** The wire form of a stack spec. */
export function toProtoStackSpec(spec: StackSpec): w.StackSpec {
  return {
    name: spec.name,
    services: mapRecord(spec.services, toProtoServiceSpec),
    networks: mapRecord(spec.networks, toProtoNetworkSpec),
    volumes: mapRecord(spec.volumes, toProtoVolumeSpec),
    secrets: mapRecord(spec.secrets, toProtoSecretSpec),
    configs: mapRecord(spec.configs, toProtoConfigSpec),
  };
}

/**
 * The domain form of a wire stack spec; throws BerthError INTERNAL naming the field path
 * (e.g. `stack.services.web.deploy.mode`) on missing required parts or unknown enum values.
 */
export function fromProtoStackSpec(message: w.StackSpec): StackSpec {
  return {
    name: message.name,
    services: mapRecord(message.services, (service, key) =>
      fromProtoServiceSpec(service, entryPath('stack.services', key)),
    ),
    networks: mapRecord(message.networks, fromProtoNetworkSpec),
    volumes: mapRecord(message.volumes, fromProtoVolumeSpec),
    secrets: mapRecord(message.secrets, fromProtoSecretSpec),
    configs: mapRecord(message.configs, fromProtoConfigSpec),
  };
}

/** The wire form of a top-level network. */
export function toProtoNetworkSpec(network: NetworkSpec): w.NetworkSpec {
  return {
    name: network.name,
    driver: network.driver,
    external: network.external,
    internal: network.internal,
    attachable: network.attachable,
    enableIpv6: network.enableIpv6,
    driverOpts: { ...network.driverOpts },
    labels: { ...network.labels },
  };
}

/** The domain form of a wire network (the shapes are identical). */
export function fromProtoNetworkSpec(message: w.NetworkSpec): NetworkSpec {
  return toProtoNetworkSpec(message);
}

/** The wire form of a top-level volume. */
export function toProtoVolumeSpec(volume: VolumeSpec): w.VolumeSpec {
  return {
    name: volume.name,
    driver: volume.driver,
    external: volume.external,
    driverOpts: { ...volume.driverOpts },
    labels: { ...volume.labels },
  };
}

/** The domain form of a wire volume (the shapes are identical). */
export function fromProtoVolumeSpec(message: w.VolumeSpec): VolumeSpec {
  return toProtoVolumeSpec(message);
}

/** The wire form of a top-level secret. */
export function toProtoSecretSpec(secret: SecretSpec): w.SecretSpec {
  return withoutUndefined<SecretSpec>({
    name: secret.name,
    file: secret.file,
    environment: secret.environment,
    external: secret.external,
  });
}

/** The domain form of a wire secret (the shapes are identical). */
export function fromProtoSecretSpec(message: w.SecretSpec): SecretSpec {
  return toProtoSecretSpec(message);
}

/** The wire form of a top-level config. */
export function toProtoConfigSpec(config: ConfigSpec): w.ConfigSpec {
  return withoutUndefined<ConfigSpec>({
    name: config.name,
    file: config.file,
    environment: config.environment,
    content: config.content,
    external: config.external,
  });
}

/** The domain form of a wire config (the shapes are identical). */
export function fromProtoConfigSpec(message: w.ConfigSpec): ConfigSpec {
  return toProtoConfigSpec(message);
}
