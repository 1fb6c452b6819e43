import { describe, expect, it } from 'vitest';
import type { RawValue } from '../raw-model.js';
import { configKey, deviceKey, mountTargetKey, portKey, secretKey } from './merge-keys.js';

describe('portKey', () => {
  const same: [RawValue, RawValue][] = [
    ['8080:80', '0.0.0.0:8080:80'],
    ['8080:80', '8080:80/tcp'],
    ['8080:80', { target: 80, published: '8080' }],
    [80, '80'],
    ['[::1]:8080:80', { target: 80, published: 8080, host_ip: '::1' }],
    ['::1:8080:80', '[::1]:8080:80'],
  ];
  it.each(same)('%j and %j are the same port', (a, b) => {
    expect(portKey(a)).toBe(portKey(b));
  });
  const different: [RawValue, RawValue][] = [
    ['8080:80', '8081:80'],
    ['53:53', '53:53/udp'],
    ['127.0.0.1:8080:80', '8080:80'],
    ['80', '8080:80'],
  ];
  it.each(different)('%j and %j are different ports', (a, b) => {
    expect(portKey(a)).not.toBe(portKey(b));
  });
  it('cannot identify a long form without target', () => {
    expect(portKey({ published: 80 })).toBeUndefined();
  });
});

describe('mount keys', () => {
  it.each([
    ['data:/data', '/data'],
    ['/anon', '/anon'],
    ['./x:/x:ro', '/x'],
    ['C:\\data:/data', '/data'],
  ])('volume %s targets %s', (spec, target) => {
    expect(mountTargetKey(spec)).toBe(target);
  });
  it('devices key on the container path, or the whole entry', () => {
    expect([deviceKey('/dev/a:/dev/b:rwm'), deviceKey('/dev/a'), deviceKey('nvidia.com/gpu=all')]).toEqual(['/dev/b', '/dev/a', 'nvidia.com/gpu=all']);
  });
  it('secrets and configs default their target from the source', () => {
    expect([secretKey('s'), secretKey({ source: 's' }), secretKey({ source: 'x', target: 's' }), secretKey({ source: 'x', target: '/abs' })]).toEqual([
      '/run/secrets/s',
      '/run/secrets/s',
      '/run/secrets/s',
      '/abs',
    ]);
    expect([configKey('c'), configKey({ source: 'c' }), configKey({ source: 'x', target: '/c' })]).toEqual(['/c', '/c', '/c']);
  });
});
