import { describe, expect, it } from 'vitest';
import type { PortSpec } from '@berth/api';
import { freePort, occupyPort, portClaims, type NodePorts } from './port-claims.js';

const p = (over: Partial<PortSpec>): PortSpec => ({ target: 80, protocol: 'tcp', mode: 'host', ...over });

describe('portClaims', () => {
  it.each<[string, PortSpec, string | undefined]>([
    ['unpublished: no claim', p({}), undefined],
    ['a tcp port', p({ published: 8080 }), '8080'],
    ['a udp port', p({ published: 53, protocol: 'udp' }), '53/udp'],
    ['a host IP', p({ published: 80, hostIp: '127.0.0.1' }), '127.0.0.1:80'],
    ['0.0.0.0 is all addresses', p({ published: 80, hostIp: '0.0.0.0' }), '80'],
    [':: is all addresses', p({ published: 80, hostIp: '::' }), '80'],
    ['a range', p({ published: 8000, publishedEnd: 8010 }), '8000-8010'],
  ])('%s → %s', (_name, port, label) => {
    expect(portClaims([port])[0]?.label).toBe(label);
  });
});

describe('freePort', () => {
  it('returns the first free port of a range, or undefined', () => {
    const used: NodePorts = new Map();
    const [claim] = portClaims([p({ published: 9000, publishedEnd: 9002 })]);
    expect(freePort(used, claim!)).toBe(9000);
    occupyPort(used, claim!, 9000);
    occupyPort(used, claim!, 9001);
    expect(freePort(used, claim!)).toBe(9002);
    occupyPort(used, claim!, 9002);
    expect(freePort(used, claim!)).toBeUndefined();
  });
});
