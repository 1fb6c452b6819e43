import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PortSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeExpose, normalizePorts, parsePortShort } from './ports.js';

const tcp = (target: number, extra: Partial<PortSpec> = {}): PortSpec => ({ target, protocol: 'tcp', mode: 'ingress', ...extra });

describe('parsePortShort', () => {
  it.each<[string, PortSpec[]]>([
    ['80', [tcp(80)]],
    ['8080:80', [tcp(80, { published: 8080 })]],
    ['127.0.0.1:8080:80/tcp', [tcp(80, { published: 8080, hostIp: '127.0.0.1' })]],
    ['127.0.0.1::80', [tcp(80, { hostIp: '127.0.0.1' })]],
    ['[::1]:8080:80', [tcp(80, { published: 8080, hostIp: '::1' })]],
    ['::1:8080:80', [tcp(80, { published: 8080, hostIp: '::1' })]],
    ['[::1]::80', [tcp(80, { hostIp: '::1' })]],
    ['53:53/udp', [{ target: 53, published: 53, protocol: 'udp', mode: 'ingress' }]],
    ['80/SCTP', [{ target: 80, protocol: 'sctp', mode: 'ingress' }]],
    ['3000-3002', [tcp(3000), tcp(3001), tcp(3002)]],
    ['9090-9091:8080-8081', [tcp(8080, { published: 9090 }), tcp(8081, { published: 9091 })]],
    ['8000-8010:80', [tcp(80, { published: 8000, publishedEnd: 8010 })]],
    ['0:80', [tcp(80)]],
    [':80', [tcp(80)]],
  ])('%j', (text, specs) => {
    expect(parsePortShort(text)).toEqual({ ok: true, value: specs });
  });

  it.each([
    ['80800', '"80800" is not a valid port'],
    ['8080:80800', '"80800" is not a valid port'],
    ['80800:80', '"80800" is not a valid port'],
    ['0', '"0" is not a valid port'],
    ['http', '"http" is not a valid port'],
    ['', '"" is not a valid port'],
    ['3000-', '"" is not a valid port'],
    ['-3000', '"-3000" is not a valid port'],
    ['3005-3000', 'invalid port range "3005-3000": the first port is greater than the last'],
    ['80/icmp', 'invalid protocol "icmp" in port "80/icmp": expected tcp, udp or sctp'],
    ['localhost:8080:80', 'invalid host IP "localhost" in port "localhost:8080:80"'],
    ['127.0.0.1:80', '"127.0.0.1" is not a valid port'],
    [
      '9090-9092:8080-8081',
      'port "9090-9092:8080-8081": the host range has 3 ports but the container range has 2 ports; they must be the same length (or use a single container port)',
    ],
    [
      '9090:8080-8081',
      'port "9090:8080-8081": the host range has 1 port but the container range has 2 ports; they must be the same length (or use a single container port)',
    ],
  ])('rejects %j', (text, error) => {
    expect(parsePortShort(text)).toEqual({ ok: false, error });
  });

  const port = fc.integer({ min: 1, max: 65_535 });
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));

  it('round-trips any valid (host IP, published, target, protocol) through its string form', () => {
    fc.assert(
      fc.property(fc.option(ipv4, { nil: undefined }), fc.option(port, { nil: undefined }), port, fc.constantFrom('tcp', 'udp', 'sctp'), (ip, published, target, proto) => {
        const host = ip !== undefined ? `${ip}:${published ?? ''}:` : published !== undefined ? `${published}:` : '';
        const r = parsePortShort(`${host}${target}/${proto}`);
        const expected: PortSpec = { target, protocol: proto as PortSpec['protocol'], mode: 'ingress' };
        if (published !== undefined) expected.published = published;
        if (ip !== undefined) expected.hostIp = ip;
        expect(r).toEqual({ ok: true, value: [expected] });
      }),
    );
  });

  it('expands equal-length ranges pairwise, one spec per port', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 60_000 }), fc.integer({ min: 1, max: 60_000 }), fc.nat(50), (host, target, extra) => {
        const r = parsePortShort(`${host}-${host + extra}:${target}-${target + extra}`);
        expect(r.ok && r.value.map((p) => [p.published, p.target])).toEqual(
          Array.from({ length: extra + 1 }, (_, i) => [host + i, target + i]),
        );
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string(), fc.stringMatching(/^[0-9:.\-/[\]a-z]{0,20}$/)), (s) => {
        const r = parsePortShort(s);
        if (r.ok) for (const p of r.value) expect(p.target >= 1 && p.target <= 65_535).toBe(true);
        else expect(r.error.length).toBeGreaterThan(0);
      }),
    );
  });
});

describe('normalizePorts', () => {
  const run = (ports: RawValue): { specs: PortSpec[]; diag: Diagnostics } => {
    const diag = new Diagnostics();
    return { specs: normalizePorts(ports, ['services', 'web', 'ports'], diag), diag };
  };

  it('accepts numbers, strings and the long form together', () => {
    const { specs, diag } = run([
      80,
      '8443:443',
      { target: 5432, published: '15432', host_ip: '10.0.0.1', protocol: 'tcp', mode: 'host', app_protocol: 'postgres', name: 'db' },
      { target: '53', published: 53, protocol: 'UDP' },
      { target: 80, published: '8000-8010' },
      { target: 81 },
    ]);
    expect(diag.items).toEqual([]);
    expect(specs).toEqual([
      tcp(80),
      tcp(443, { published: 8443 }),
      { target: 5432, published: 15432, hostIp: '10.0.0.1', protocol: 'tcp', mode: 'host' },
      { target: 53, published: 53, protocol: 'udp', mode: 'ingress' },
      tcp(80, { published: 8000, publishedEnd: 8010 }),
      tcp(81),
    ]);
  });

  it('reports each bad entry at its most precise path and keeps the good ones', () => {
    const { specs, diag } = run([
      80800,
      '8080:80',
      { target: 70000 },
      { target: 80, published: '99999' },
      { target: 80, host_ip: 'my-host' },
      { target: 80, protocol: 'icmp' },
      { target: 80, mode: 'bridge' },
      { published: 80 },
      80.5,
    ]);
    expect(specs).toEqual([tcp(80, { published: 8080 })]);
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.web.ports[0]: "80800" is not a valid port',
      'services.web.ports[2].target: "70000" is not a valid port',
      'services.web.ports[3].published: "99999" is not a valid port',
      'services.web.ports[4].host_ip: invalid host IP "my-host"',
      'services.web.ports[5].protocol: invalid protocol "icmp": expected "tcp", "udp" or "sctp"',
      'services.web.ports[6].mode: invalid port mode "bridge": expected "ingress" or "host"',
      'services.web.ports[7].target: a port needs a target (the container port)',
      'services.web.ports[8]: "80.5" is not a valid port',
    ]);
  });

  it('ignores structurally wrong values silently', () => {
    const { specs, diag } = run([null, true, ['80']]);
    expect(specs).toEqual([]);
    expect(diag.items).toEqual([]);
    expect(run('80').specs).toEqual([]);
  });
});

describe('normalizeExpose', () => {
  it('normalizes to port[/proto] strings with ranges expanded', () => {
    const diag = new Diagnostics();
    expect(normalizeExpose([3000, '4000/tcp', '5000-5002', '53/udp', '70000', '1/icmp'], ['services', 'api', 'expose'], diag)).toEqual([
      '3000', '4000', '5000', '5001', '5002', '53/udp',
    ]);
    expect(diag.items.map((d) => `${d.path}: ${d.message}`)).toEqual([
      'services.api.expose[4]: "70000" is not a valid port',
      'services.api.expose[5]: invalid protocol "icmp" in "1/icmp": expected tcp, udp or sctp',
    ]);
  });
});
