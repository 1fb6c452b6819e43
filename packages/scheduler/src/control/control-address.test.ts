import { describe, expect, it } from 'vitest';
import { parseControlAddress, parseHostPort } from './control-address.js';

describe('parseControlAddress', () => {
  it('reads unix sockets by URL or absolute path', () => {
    expect(parseControlAddress('unix:///run/berth/control.sock')).toEqual({
      kind: 'unix',
      socketPath: '/run/berth/control.sock',
      target: 'unix:///run/berth/control.sock',
      display: 'unix:///run/berth/control.sock',
    });
    expect(parseControlAddress('/tmp/b.sock')).toMatchObject({ kind: 'unix', target: 'unix:///tmp/b.sock' });
  });

  it('reads tcp:// and bare host:port, IPv6 in brackets', () => {
    expect(parseControlAddress('tcp://10.0.0.5:7400')).toEqual({ kind: 'tcp', host: '10.0.0.5', port: 7400, target: '10.0.0.5:7400', display: 'tcp://10.0.0.5:7400' });
    expect(parseControlAddress('localhost:7400')).toMatchObject({ kind: 'tcp', target: 'localhost:7400' });
    expect(parseControlAddress('[::1]:7400')).toMatchObject({ host: '::1', target: '[::1]:7400' });
  });

  it('rejects relative sockets, other schemes and missing ports as USAGE', () => {
    for (const bad of ['unix://relative.sock', 'http://h:1', 'justahost', 'h:99999', 'tcp://h']) {
      expect(() => parseControlAddress(bad), bad).toThrow(expect.objectContaining({ code: 'USAGE' }));
    }
  });
});

describe('parseHostPort', () => {
  it('splits host and port', () => {
    expect(parseHostPort('127.0.0.1:0')).toEqual({ host: '127.0.0.1', port: 0 });
    expect(parseHostPort('[fe80::1]:80')).toEqual({ host: 'fe80::1', port: 80 });
  });
});
