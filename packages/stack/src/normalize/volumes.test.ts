import { describe, expect, it } from 'vitest';
import type { VolumeMountSpec } from '@berth/api/domain';
import { Diagnostics } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { normalizeServiceMounts } from './volumes.js';

const mounts = (service: RawMap, declared: string[] = ['data']): { specs: VolumeMountSpec[]; messages: string[] } => {
  const diag = new Diagnostics();
  const specs = normalizeServiceMounts(service, ['services', 'web'], { service: 'web', declaredVolumes: new Set(declared) }, diag);
  return { specs, messages: diag.items.map((d) => `${d.severity} ${d.path}: ${d.message}`) };
};

describe('normalizeServiceMounts', () => {
  it('normalizes the long syntax for every supported type', () => {
    const { specs, messages } = mounts({
      volumes: [
        { type: 'bind', source: '/srv/conf', target: '/etc/app', read_only: true },
        { type: 'bind', source: '/srv/logs', target: '/logs', bind: { propagation: 'rshared' } },
        { type: 'bind', source: '/srv/x', target: '/x', bind: { create_host_path: 'false' } },
        { type: 'volume', source: 'data', target: '/data', volume: { nocopy: true } },
        { type: 'volume', target: '/cache' },
        { type: 'tmpfs', target: '/run', tmpfs: { size: '64m', mode: '1777' } },
        { type: 'tmpfs', target: '/tmp', tmpfs: { size: 1024, mode: 0o700 } },
      ],
    });
    expect(messages).toEqual([]);
    expect(specs).toEqual([
      { type: 'bind', source: '/srv/conf', target: '/etc/app', readOnly: true, createHostPath: false },
      { type: 'bind', source: '/srv/logs', target: '/logs', readOnly: false, createHostPath: true },
      { type: 'bind', source: '/srv/x', target: '/x', readOnly: false, createHostPath: false },
      { type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: true },
      { type: 'volume', target: '/cache', readOnly: false, noCopy: false },
      { type: 'tmpfs', target: '/run', sizeBytes: 67_108_864, mode: 0o1777 },
      { type: 'tmpfs', target: '/tmp', sizeBytes: 1024, mode: 0o700 },
    ]);
  });

  it('appends the service tmpfs key after volumes', () => {
    const { specs } = mounts({ volumes: ['data:/data'], tmpfs: '/run' });
    expect(specs).toEqual([
      { type: 'volume', source: 'data', target: '/data', readOnly: false, noCopy: false },
      { type: 'tmpfs', target: '/run' },
    ]);
  });

  it('reports undeclared named volumes at the entry (short) or its source (long)', () => {
    const { specs, messages } = mounts({ volumes: ['cache:/cache', { type: 'volume', source: 'logs', target: '/logs' }, '/anon'] }, []);
    expect(specs).toEqual([{ type: 'volume', target: '/anon', readOnly: false, noCopy: false }]);
    expect(messages).toEqual([
      'error services.web.volumes[0]: volume "cache" is used by service "web" but not declared in the top-level volumes',
      'error services.web.volumes[1].source: volume "logs" is used by service "web" but not declared in the top-level volumes',
    ]);
  });

  it('leaves out mount types berth does not mount, without a message (the schema stage warns)', () => {
    const { specs, messages } = mounts({
      volumes: [
        { type: 'npipe', source: '\\\\.\\pipe\\docker_engine', target: '/pipe' },
        { type: 'image', source: 'alpine', target: '/img' },
        { type: 'cluster', source: 'c', target: '/c' },
        '/kept',
      ],
    });
    expect(messages).toEqual([]);
    expect(specs).toEqual([{ type: 'volume', target: '/kept', readOnly: false, noCopy: false }]);
  });

  it('reports incomplete mounts', () => {
    const { specs, messages } = mounts({
      volumes: [
        { type: 'bind', target: '/x' },
        { type: 'volume', source: 'data' },
        { type: 'tmpfs', source: 'x', target: '/t' },
        { type: 'volume', source: 'data', target: 'relative' },
        { type: 'volume', source: 'data', target: '/ok', read_only: 'sometimes' },
        'data:/d:bogus',
      ],
    });
    expect(specs).toEqual([{ type: 'volume', source: 'data', target: '/ok', readOnly: false, noCopy: false }]);
    expect(messages).toEqual([
      'error services.web.volumes[0]: a bind mount needs a source (the host path)',
      'error services.web.volumes[1]: a mount needs a target (the path in the container)',
      'error services.web.volumes[2].source: a tmpfs mount has no source',
      'error services.web.volumes[3].target: the container path "relative" must be absolute',
      'error services.web.volumes[4].read_only: expected a boolean (true or false), got "sometimes"',
      'error services.web.volumes[5]: invalid volume "data:/d:bogus": unknown option "bogus" (expected ro, rw, z, Z, nocopy or a propagation mode)',
    ]);
  });

  it('skips entries of the wrong shape without a message', () => {
    expect(mounts({ volumes: [42, null, { target: '/no-type' }] })).toEqual({ specs: [], messages: [] });
    expect(mounts({ volumes: '/data' })).toEqual({ specs: [], messages: [] });
  });
});
