/**
 * TaskDescriptor → the engine's container-create body. Pure: same descriptor, same body, so
 * the mapping is table-tested without an engine. Only what the create call cannot do (joining
 * a second network on API < 1.44) is returned for the driver to do after create.
 */
import type Docker from 'dockerode';
import type { NetworkSpec, ServiceSpec } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';
import { engineMounts } from './container-mounts.js';
import { containerName, serviceImage, stackScopedName, taskLabels } from './engine-names.js';
import { enginePorts } from './port-bindings.js';

/** A network the container joins, with the names other services reach it by. */
export interface NetworkAttachment {
  /** Engine name of the network. */
  network: string;
  aliases: string[];
  ipv4Address?: string;
  ipv6Address?: string;
}

/** The create body plus the networks to connect once the container exists. */
export interface ContainerPlan {
  name: string;
  image: string;
  create: Docker.ContainerCreateOptions;
  /** Networks after the first: the create call takes one (engine API < 1.44). */
  laterNetworks: NetworkAttachment[];
}

/** Maps a task to its container: identity, process, ports, mounts, limits and networks. */
export function containerSpec(task: TaskDescriptor): ContainerPlan {
  const { ref, spec } = task;
  const name = containerName(ref);
  const image = serviceImage(ref.stack, ref.service, spec.image);
  const ports = enginePorts(spec.ports, spec.expose, task.nodeAddress);
  const { binds, mounts } = engineMounts(spec.volumes, { stack: ref.stack, projectDir: task.projectDir, volumes: task.volumes });
  const [first, ...later] = networkAttachments(task);

  const hostConfig: Docker.HostConfig = {
    PortBindings: ports.bindings,
    Binds: binds,
    Mounts: mounts,
    // berth restarts crashed tasks itself, with its backoff and restart accounting; an engine
    // restart would race it and hide the exit from the agent.
    RestartPolicy: { Name: 'no' },
    ...resourceLimits(spec),
    ...(spec.init ? { Init: true } : {}),
    ...(first ? { NetworkMode: first.network } : {}),
  };

  const create: Docker.ContainerCreateOptions = {
    name,
    Image: image,
    Labels: { ...spec.labels, ...taskLabels(ref) },
    Env: environmentList(spec.environment),
    ...(spec.command ? { Cmd: [...spec.command] } : {}),
    ...(spec.entrypoint ? { Entrypoint: [...spec.entrypoint] } : {}),
    ...(spec.user !== undefined ? { User: spec.user } : {}),
    ...(spec.workingDir !== undefined ? { WorkingDir: spec.workingDir } : {}),
    ExposedPorts: ports.exposed,
    StopSignal: spec.stopSignal,
    StopTimeout: Math.ceil(spec.stopGracePeriodMs / 1000),
    ...healthcheckOverride(spec),
    HostConfig: hostConfig,
    ...(first ? { NetworkingConfig: { EndpointsConfig: { [first.network]: endpointSettings(first) } } } : {}),
  };
  return { name, image, create, laterNetworks: later };
}

/** The engine name of the stack network `key`: its own `name`, else `<stack>_<key>`. */
export function engineNetworkName(key: string, stack: string, networks: Readonly<Record<string, NetworkSpec>>): string {
  return networks[key]?.name ?? stackScopedName(stack, key);
}

/** The endpoint part of a create or connect call for one attachment. */
export function endpointSettings(attachment: NetworkAttachment): Docker.EndpointSettings {
  const ipam = {
    ...(attachment.ipv4Address ? { IPv4Address: attachment.ipv4Address } : {}),
    ...(attachment.ipv6Address ? { IPv6Address: attachment.ipv6Address } : {}),
  };
  return { Aliases: attachment.aliases, ...(Object.keys(ipam).length > 0 ? { IPAMConfig: ipam } : {}) };
}

/** Each network of the service, named as the engine knows it; the service name is an alias
 * on every one so services find each other by name, as in Compose. */
function networkAttachments(task: TaskDescriptor): NetworkAttachment[] {
  return Object.entries(task.spec.networks).map(([key, attach]) => ({
    network: engineNetworkName(key, task.ref.stack, task.networks),
    aliases: [...new Set([task.ref.service, ...attach.aliases])],
    ...(attach.ipv4Address ? { ipv4Address: attach.ipv4Address } : {}),
    ...(attach.ipv6Address ? { ipv6Address: attach.ipv6Address } : {}),
  }));
}

/** `KEY=value` pairs; null means "not set" and is left out. */
function environmentList(environment: Readonly<Record<string, string | null>>): string[] {
  return Object.entries(environment).flatMap(([key, value]) => (value === null ? [] : [`${key}=${value}`]));
}

function resourceLimits(spec: ServiceSpec): Partial<Docker.HostConfig> {
  const { limits, reservations } = spec.deploy.resources;
  return {
    ...(limits.cpus !== undefined && limits.cpus > 0 ? { NanoCpus: Math.round(limits.cpus * 1e9) } : {}),
    ...(limits.memoryBytes !== undefined ? { Memory: limits.memoryBytes } : {}),
    ...(limits.pids !== undefined ? { PidsLimit: limits.pids } : {}),
    ...(reservations.memoryBytes !== undefined ? { MemoryReservation: reservations.memoryBytes } : {}),
  };
}

/**
 * berth runs health checks itself (through exec) and acts on them: restart or flag, with its
 * own timings. The engine's check only sets a flag that nothing on a plain engine acts upon,
 * so berth never configures one. When the service defines or disables a check, the image's
 * own HEALTHCHECK is switched off so it does not run as a second, unobserved probe; a service
 * without one keeps the image's check, whose flag and events stay visible as before.
 */
function healthcheckOverride(spec: ServiceSpec): Partial<Docker.ContainerCreateOptions> {
  return spec.healthcheck ? { Healthcheck: { Test: ['NONE'] } } : {};
}
