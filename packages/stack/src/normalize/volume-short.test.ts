import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { VolumeMountSpec } from '@berth/api/domain';
import { parseVolumeShort } from './volume-short.js';

describe('parseVolumeShort', () => {
  it.each<[string, VolumeMountSpec]>([
    ['/data', { type: 'volume', target: '/data', readOnly: false, noCopy: false }],
    ['/srv/app/data:/data:ro', { type: 'bind', source: '/srv/app/data', target: '/data', readOnly: true, createHostPath: true }],
    ['/srv/app/data:/data', { type: 'bind', source: '/srv/app/data', target: '/data', readOnly: false, createHostPath: true }],
    ['./data:/data:rw', { type: 'bind', source: './data', target: '/data', readOnly: false, createHostPath: true }],
    ['~/data:/data', { type: 'bind', source: '~/data', target: '/data', readOnly: false, createHostPath: true }],
    ['/a:/b:ro,z', { type: 'bind', source: '/a', target: '/b', readOnly: true, createHostPath: true }],
    ['/a:/b:Z,rshared', { type: 'bind', source: '/a', target: '/b', readOnly: false, createHostPath: true }],
    ['C:\\data:/data', { type: 'bind', source: 'C:\\data', target: '/data', readOnly: false, createHostPath: true }],
    ['a:/data', { type: 'volume', source: 'a', target: '/data', readOnly: false, noCopy: false }],
    ['c:/data:/data', { type: 'bind', source: 'c:/data', target: '/data', readOnly: false, createHostPath: true }],
    ['data:/var/lib/data', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false, noCopy: false }],
    ['data:/var/lib/data:rw,nocopy', { type: 'volume', source: 'data', target: '/var/lib/data', readOnly: false, noCopy: true }],
    ['data:/d:ro', { type: 'volume', source: 'data', target: '/d', readOnly: true, noCopy: false }],
  ])('%j', (spec, mount) => {
    expect(parseVolumeShort(spec)).toEqual({ ok: true, value: mount });
  });

  it.each([
    ['', 'empty volume specification'],
    ['data', 'invalid volume "data": the container path "data" must be absolute'],
    ['data:rel/path', 'invalid volume "data:rel/path": the container path "rel/path" must be absolute'],
    ['ab:/b:ro:extra', 'invalid volume "ab:/b:ro:extra": too many colons (expected SOURCE:TARGET[:OPTIONS])'],
    ['ab::/b', 'invalid volume "ab::/b": empty section between colons'],
    ['data:/d:rx', 'invalid volume "data:/d:rx": unknown option "rx" (expected ro, rw, z, Z, nocopy or a propagation mode)'],
    ['/host:/d:nocopy', 'invalid volume "/host:/d:nocopy": "nocopy" only applies to volumes, not to bind mounts'],
  ])('rejects %j', (spec, error) => {
    expect(parseVolumeShort(spec)).toEqual({ ok: false, error });
  });

  it('round-trips named volumes and absolute binds with any mode', () => {
    const segment = fc.stringMatching(/^[a-z0-9_.-]{1,12}$/);
    fc.assert(
      fc.property(fc.boolean(), segment, segment, fc.constantFrom('ro', 'rw', undefined), (bind, src, dst, mode) => {
        const source = bind ? `/${src}` : `v${src}`;
        const r = parseVolumeShort(`${source}:/${dst}${mode ? `:${mode}` : ''}`);
        expect(r.ok && r.value).toMatchObject({ type: bind ? 'bind' : 'volume', source, target: `/${dst}`, readOnly: mode === 'ro' });
      }),
    );
  });

  it('never throws on arbitrary strings', () => {
    fc.assert(fc.property(fc.string(), (s) => {
      expect(typeof parseVolumeShort(s).ok).toBe('boolean');
    }));
  });
});
