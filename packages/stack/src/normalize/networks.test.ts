import { describe, expect, it } from 'vitest';
import type { NetworkSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { normalizeNetworks, normalizeServiceNetworks } from './networks.js';

const bridge = (name: string, extra: Partial<NetworkSpec> = {}): NetworkSpec => ({
  name, driver: 'bridge', external: false, internal: false, attachable: false, enableIpv6: false, driverOpts: {}, labels: {}, ...extra,
});

describe('normalizeNetworks', () => {
  it('always has a default network named after the project', () => {
    const diag = new Diagnostics();
    expect(normalizeNetworks(undefined, 'shop', diag)).toEqual({ default: bridge('shop_default') });
    expect(normalizeNetworks({ default: 'malformed' }, 'shop', diag)).toEqual({ default: bridge('shop_default') });
  });

  it('normalizes declared networks and lets the file override default', () => {
    const diag = new Diagnostics();
    const raw: RawValue = {
      front: null,
      back: { driver: 'overlay', internal: true, attachable: 'true', enable_ipv6: true, driver_opts: { mtu: 1400 }, labels: { tier: 'back' } },
      shared: { external: true },
      named: { external: true, name: 'corp-net' },
      custom: { name: 'fixed-name' },
      default: { driver: 'macvlan' },
    };
    expect(normalizeNetworks(raw, 'shop', diag)).toEqual({
      front: bridge('shop_front'),
      back: bridge('shop_back', { driver: 'overlay', internal: true, attachable: true, enableIpv6: true, driverOpts: { mtu: '1400' }, labels: { tier: 'back' } }),
      shared: bridge('shared', { external: true }),
      named: bridge('corp-net', { external: true }),
      custom: bridge('fixed-name'),
      default: bridge('shop_default', { driver: 'macvlan' }),
    });
    expect(diag.items).toEqual([]);
  });

  it('honours the deprecated external.name with a warning', () => {
    const diag = new Diagnostics();
    expect(normalizeNetworks({ old: { external: { name: 'legacy-net' } } }, 'p', diag)['old']).toEqual(bridge('legacy-net', { external: true }));
    expect(diag.items).toEqual([
      { severity: 'warning', path: 'networks.old.external.name', message: 'external.name is deprecated: use "name" with "external: true"' },
    ]);
  });
});

describe('normalizeServiceNetworks', () => {
  const run = (service: RawMap) => {
    const diag = new Diagnostics();
    const spec = normalizeServiceNetworks(service, ['services', 'web'], { service: 'web', declaredNetworks: new Set(['default', 'front', 'back']) }, diag);
    return { spec, messages: diag.items.map((d) => `${d.path}: ${d.message}`) };
  };

  it('joins default when no network is named', () => {
    expect(run({})).toEqual({ spec: { default: { aliases: [] } }, messages: [] });
  });

  it('ignores network_mode, which berth does not act on', () => {
    expect(run({ network_mode: 'host' })).toEqual({ spec: { default: { aliases: [] } }, messages: [] });
    expect(run({ network_mode: 'host', networks: ['front'] })).toEqual({ spec: { front: { aliases: [] } }, messages: [] });
  });

  it('reads the list and the map form', () => {
    expect(run({ networks: ['front', 'back'] }).spec).toEqual({ front: { aliases: [] }, back: { aliases: [] } });
    expect(run({ networks: { front: { aliases: ['www', 'web.local'], ipv4_address: '172.16.238.10', ipv6_address: '2001:3984:3989::10' }, back: null } })).toEqual({
      spec: {
        front: { aliases: ['www', 'web.local'], ipv4Address: '172.16.238.10', ipv6Address: '2001:3984:3989::10' },
        back: { aliases: [] },
      },
      messages: [],
    });
  });

  it('reports undeclared networks and bad addresses', () => {
    expect(run({ networks: ['front', 'ghost'] })).toEqual({
      spec: { front: { aliases: [] } },
      messages: ['services.web.networks[1]: network "ghost" is used by service "web" but not declared in the top-level networks'],
    });
    expect(run({ networks: { front: { ipv4_address: '2001:db8::1', ipv6_address: '10.0.0.1' } } }).messages).toEqual([
      'services.web.networks.front.ipv4_address: "2001:db8::1" is not a valid IPv4 address',
      'services.web.networks.front.ipv6_address: "10.0.0.1" is not a valid IPv6 address',
    ]);
  });
});
