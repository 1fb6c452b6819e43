import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { DURATION_PATTERN, EXPOSE_PATTERN, NAME_PATTERN, PORT_PATTERN, SIZE_PATTERN } from './schema-shapes.js';

// ajv compiles patterns with the `u` flag; test them the same way.
const matches = (pattern: string, text: string): boolean => new RegExp(pattern, 'u').test(text);

describe.each([
  ['durations', DURATION_PATTERN,
    ['0', '10s', '1m30s', '1.5h', '100ms', '300us', '2\u00b5s', '1h2m3s4ms', '.5s', '90m', '2d', '1w', '+5s'],
    ['10', '-1s', '1y', '1 s', '', 's', '1.2.3s', '1m30', '0s0', 'PT1M']],
  ['sizes', SIZE_PATTERN,
    ['1024', '512m', '1.5G', '2gb', '1GiB', '100 MB', '10k', '1b', '64M'],
    ['1 gigabyte', '-1', 'm', '1.5.5g', '1x', '', '1gib2']],
  ['ports', PORT_PATTERN,
    ['80', '8080:80', '8000-8010:8000-8010', '127.0.0.1:8080:80', '127.0.0.1::80', '0.0.0.0:53:53/udp',
      '[::1]:6001:6001', '::1:6000:6000', '6060:6060/sctp', '9090-9091:8080-8081', '3000-3005'],
    ['', 'http', '80:http', 'localhost:80:80', '80/icmp', '80:', ':80:80:80:80x', '123456']],
  ['expose entries', EXPOSE_PATTERN, ['3000', '3000-3005', '53/udp'], ['3000:3000', 'http', '53/icmp', '']],
  ['names', NAME_PATTERN, ['web', 'my-app_1.0', 'x-web', 'DB'], ['my web', '', 'a/b', 'caf\u00e9']],
])('%s', (_what, pattern, good, bad) => {
  it.each(good)('accepts %j', (text) => expect(matches(pattern, text)).toBe(true));
  it.each(bad)('rejects %j', (text) => expect(matches(pattern, text)).toBe(false));
});

describe('port pattern', () => {
  const port = fc.integer({ min: 0, max: 65535 });
  const ipv4 = fc.tuple(fc.nat(255), fc.nat(255), fc.nat(255), fc.nat(255)).map((p) => p.join('.'));
  const proto = fc.constantFrom('', '/tcp', '/udp', '/sctp');

  it('accepts every [ip:][host:]container[/protocol] combination', () => {
    fc.assert(
      fc.property(fc.option(ipv4), fc.option(port), port, proto, (ip, host, container, p) => {
        const hostPart = ip === null ? (host === null ? '' : `${host}:`) : `${ip}:${host ?? ''}:`;
        expect(matches(PORT_PATTERN, `${hostPart}${container}${p}`)).toBe(true);
      }),
    );
  });
});
