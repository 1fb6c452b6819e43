import { describe, expect, it } from 'vitest';
import type { BoundPort, PortSpec } from '@berth/api';
import { node, svc } from '../../reconcile/world.fixture.js';
import { ClusterLoad } from '../cluster-load.js';
import { placementRequest } from '../placement-request.js';
import { hostPortsFilter } from './host-ports.js';

const p = (published: number | undefined, over: Partial<PortSpec> = {}): PortSpec => ({
  target: 80,
  ...(published !== undefined ? { published } : {}),
  protocol: 'tcp',
  mode: 'host',
  ...over,
});
const requestOf = (name: string, ports: PortSpec[]) => placementRequest(`app/${name}`, svc(name, { ports }));

/** The filter's verdict for `mine` on a node where a task publishing `theirs` runs. */
function verdict(theirs: PortSpec[], mine: PortSpec[], bound: BoundPort[] = []): string | undefined {
  const load = new ClusterLoad([node('n1')]);
  load.add(0, 'app/other', requestOf('other', theirs), bound);
  const req = requestOf('web', mine);
  return hostPortsFilter.reject(0, req, load.service('app/web'), load);
}

describe('hostPortsFilter', () => {
  it.each<[string, PortSpec[], PortSpec[], string | undefined]>([
    ['an empty node', [], [p(8080)], undefined],
    ['same port, same protocol', [p(8080)], [p(8080)], '8080'],
    ['same port, other protocol', [p(8080, { protocol: 'udp' })], [p(8080)], undefined],
    ['same udp port', [p(53, { protocol: 'udp' })], [p(53, { protocol: 'udp' })], '53/udp'],
    ['other port', [p(8080)], [p(8081)], undefined],
    ['unpublished ports never conflict', [p(undefined)], [p(undefined)], undefined],
    ['unpublished vs published', [p(undefined, { target: 8080 })], [p(8080)], undefined],
    ['two different host IPs', [p(8080, { hostIp: '10.0.0.1' })], [p(8080, { hostIp: '10.0.0.2' })], undefined],
    ['same host IP', [p(8080, { hostIp: '10.0.0.1' })], [p(8080, { hostIp: '10.0.0.1' })], '10.0.0.1:8080'],
    ['all addresses vs one IP', [p(8080)], [p(8080, { hostIp: '127.0.0.1' })], '127.0.0.1:8080'],
    ['one IP vs all addresses', [p(8080, { hostIp: '127.0.0.1' })], [p(8080)], '8080'],
    ['0.0.0.0 is all addresses', [p(8080, { hostIp: '0.0.0.0' })], [p(8080, { hostIp: '10.0.0.9' })], '10.0.0.9:8080'],
    ['ingress mode ports take the host port too', [p(80, { mode: 'ingress' })], [p(80)], '80'],
    ['the first taken of several is named', [p(443)], [p(80), p(443), p(8443)], '443'],
    ['a range with a free port', [p(8000)], [p(8000, { publishedEnd: 8001 })], undefined],
    ['a range fully taken', [p(8000), p(8001, { target: 81 })], [p(8000, { publishedEnd: 8001 })], '8000-8001'],
  ])('%s → %s', (_name, theirs, mine, cause) => {
    expect(verdict(theirs, mine)).toBe(cause);
  });

  it('a running range task holds the port its agent reported, not the first one', () => {
    const range = [p(8000, { publishedEnd: 8002 })];
    const bound: BoundPort[] = [{ target: 80, published: 8002, hostIp: '0.0.0.0', protocol: 'tcp' }];
    expect(verdict(range, [p(8000)], bound)).toBeUndefined();
    expect(verdict(range, [p(8002)], bound)).toBe('8002');
  });

  it('describes ports and ranges', () => {
    const req = requestOf('web', [p(8080), p(8000, { target: 81, publishedEnd: 8010 })]);
    expect(hostPortsFilter.describe('8080', 1, req)).toBe('port 8080 taken on 1 node');
    expect(hostPortsFilter.describe('8000-8010', 2, req)).toBe('ports 8000-8010 taken on 2 nodes');
  });
});
