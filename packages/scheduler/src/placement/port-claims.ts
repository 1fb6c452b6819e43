/**
 * Host ports as placement sees them: a published port (or range) claims a port number for a
 * protocol on one host IP, or on every IP of the node when no specific IP is given. Ports
 * without a published number are left to the engine and never claim anything.
 */
import type { BoundPort, PortSpec } from '@berth/api';

/** One host port (or range, of which the engine binds one) a task needs free on its node. */
export interface PortClaim {
  protocol: PortSpec['protocol'];
  /** The specific host IP, or undefined for all of the node's addresses. */
  hostIp: string | undefined;
  target: number;
  first: number;
  /** Equal to `first` for a single port. */
  last: number;
  /** How messages name it: `8080`, `8080/udp`, `127.0.0.1:8080`, `8000-8010`. */
  label: string;
}

/** How one port number (of one protocol) is bound on a node. */
export interface PortUse {
  /** Bindings of any kind. */
  all: number;
  /** Bindings on every address of the node. */
  wildcard: number;
  /** Bindings per specific IP. */
  byIp: Map<string, number>;
}

/** The ports in use on one node, by `portKey`. */
export type NodePorts = Map<number, PortUse>;

const PROTOCOLS: Readonly<Record<PortSpec['protocol'], number>> = { tcp: 0, udp: 1, sctp: 2 };

/** A number naming (protocol, port), so the hot path looks ports up without building strings. */
export function portKey(protocol: PortSpec['protocol'], port: number): number {
  return port * 4 + PROTOCOLS[protocol];
}

// The all-address forms: binding one of them is the same as giving no host IP.
const WILDCARD_IPS = new Set(['0.0.0.0', '::', '[::]']);

function claimLabel(protocol: string, hostIp: string | undefined, first: number, last: number): string {
  const ports = first === last ? `${first}` : `${first}-${last}`;
  return `${hostIp === undefined ? '' : `${hostIp}:`}${ports}${protocol === 'tcp' ? '' : `/${protocol}`}`;
}

function normalIp(hostIp: string | undefined): string | undefined {
  return hostIp === undefined || hostIp === '' || WILDCARD_IPS.has(hostIp) ? undefined : hostIp;
}

/** The claims of a service's ports: one per port with a published number. */
export function portClaims(ports: readonly PortSpec[]): PortClaim[] {
  const claims: PortClaim[] = [];
  for (const p of ports) {
    if (p.published === undefined) continue;
    const hostIp = normalIp(p.hostIp);
    const last = p.publishedEnd ?? p.published;
    claims.push({
      protocol: p.protocol,
      hostIp,
      target: p.target,
      first: p.published,
      last,
      label: claimLabel(p.protocol, hostIp, p.published, last),
    });
  }
  return claims;
}

function isTaken(used: NodePorts, protocol: PortSpec['protocol'], hostIp: string | undefined, port: number): boolean {
  const use = used.get(portKey(protocol, port));
  if (use === undefined) return false;
  // Binding the wildcard address takes the port on every IP, so it conflicts both ways.
  if (hostIp === undefined) return use.all > 0;
  return use.wildcard > 0 || (use.byIp.get(hostIp) ?? 0) > 0;
}

/** The first port of the claim free on the node, or undefined when every one is taken. */
export function freePort(used: NodePorts, claim: PortClaim): number | undefined {
  for (let port = claim.first; port <= claim.last; port++) {
    if (!isTaken(used, claim.protocol, claim.hostIp, port)) return port;
  }
  return undefined;
}

/** Records that `port` of the claim is bound on the node. */
export function occupyPort(used: NodePorts, claim: Pick<PortClaim, 'protocol' | 'hostIp'>, port: number): void {
  const key = portKey(claim.protocol, port);
  let use = used.get(key);
  if (use === undefined) {
    use = { all: 0, wildcard: 0, byIp: new Map() };
    used.set(key, use);
  }
  use.all++;
  if (claim.hostIp === undefined) use.wildcard++;
  else use.byIp.set(claim.hostIp, (use.byIp.get(claim.hostIp) ?? 0) + 1);
}

/**
 * Records a task's claims on its node. A range claim takes the port the agent reported bound
 * for that target when there is one; until then the first free one is assumed (the engine
 * picks), which keeps the range from being handed out twice within a round.
 */
export function occupyClaims(used: NodePorts, claims: readonly PortClaim[], bound: readonly BoundPort[] = []): void {
  for (const claim of claims) {
    let port: number | undefined = claim.first;
    if (claim.last !== claim.first) {
      port = bound.find((b) => b.target === claim.target && b.protocol === claim.protocol)?.published;
      if (port === undefined || port < claim.first || port > claim.last) port = freePort(used, claim);
    }
    // A range with no free port left: the task runs anyway (it was placed earlier), nothing to add.
    if (port !== undefined) occupyPort(used, claim, port);
  }
}
