/**
 * A service's `ports` and `expose` → the engine's ExposedPorts and PortBindings. Pure.
 * On one node every published port is bound on the node itself (Swarm's ingress mesh does not
 * exist here), so `mode` does not change the binding.
 */
import type { PortSpec } from '@berth/api';

/** One host binding of a container port, in the engine's shape. */
export interface EnginePortBinding {
  HostIp: string;
  /** A port, a `first-last` range the engine picks one free port from, or '' for any. */
  HostPort: string;
}

/** What the create call needs for ports. */
export interface EnginePorts {
  exposed: Record<string, Record<string, never>>;
  bindings: Record<string, EnginePortBinding[]>;
}

/** Most ports one `expose` range may open, so a typo like `1-65535` stays harmless. */
const MAX_EXPOSE_RANGE = 1024;

/**
 * Maps published ports (bound on `hostIp`, else on `nodeAddress`; no published port lets the
 * engine choose one) and exposed-only ports (no binding).
 */
export function enginePorts(ports: readonly PortSpec[], expose: readonly string[], nodeAddress: string): EnginePorts {
  const exposed: EnginePorts['exposed'] = {};
  const bindings: EnginePorts['bindings'] = {};
  for (const port of ports) {
    const key = portKey(port.target, port.protocol);
    exposed[key] = {};
    const list = (bindings[key] ??= []);
    list.push({ HostIp: bareHost(port.hostIp ?? nodeAddress), HostPort: hostPort(port) });
  }
  for (const entry of expose) {
    for (const key of exposeKeys(entry)) exposed[key] = {};
  }
  return { exposed, bindings };
}

/** The engine's key for a container port: `80/tcp`. */
export function portKey(target: number, protocol: string): string {
  return `${target}/${protocol}`;
}

function hostPort(port: PortSpec): string {
  if (port.published === undefined) return '';
  if (port.publishedEnd !== undefined && port.publishedEnd !== port.published) {
    return `${port.published}-${port.publishedEnd}`;
  }
  return String(port.published);
}

/** The engine wants IPv6 host addresses without the brackets URLs put around them. */
function bareHost(host: string): string {
  return host.replace(/^\[(.*)\]$/, '$1');
}

/** `"3000"`, `"3000/udp"`, `"8000-8010"` → engine port keys; an unreadable entry gives none. */
function exposeKeys(entry: string): string[] {
  const match = /^(\d+)(?:-(\d+))?(?:\/(tcp|udp|sctp))?$/.exec(entry.trim());
  if (!match) return [];
  const first = Number(match[1]);
  const last = match[2] === undefined ? first : Number(match[2]);
  const protocol = match[3] ?? 'tcp';
  if (last < first || last - first >= MAX_EXPOSE_RANGE) return [];
  const keys: string[] = [];
  for (let port = first; port <= last; port += 1) keys.push(portKey(port, protocol));
  return keys;
}
