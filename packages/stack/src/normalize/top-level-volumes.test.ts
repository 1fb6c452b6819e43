import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import { resourceIdentity } from './resource-identity.js';
import { normalizeVolumes } from './top-level-volumes.js';

describe('top-level volumes', () => {
  it('defaults driver and name, and keeps external names as given', () => {
    const diag = new Diagnostics();
    expect(
      normalizeVolumes(
        { data: null, logs: { driver: 'nfs', driver_opts: { o: 'addr=10.0.0.1' }, labels: ['backup=daily'] }, shared: { external: true }, fixed: { name: 'exact' } },
        'shop',
        diag,
      ),
    ).toEqual({
      data: { name: 'shop_data', driver: 'local', external: false, driverOpts: {}, labels: {} },
      logs: { name: 'shop_logs', driver: 'nfs', external: false, driverOpts: { o: 'addr=10.0.0.1' }, labels: { backup: 'daily' } },
      shared: { name: 'shared', driver: 'local', external: true, driverOpts: {}, labels: {} },
      fixed: { name: 'exact', driver: 'local', external: false, driverOpts: {}, labels: {} },
    });
    expect(diag.items).toEqual([]);
  });

  it('skips entries of the wrong shape silently', () => {
    const diag = new Diagnostics();
    expect(normalizeVolumes({ bad: 'string' }, 'p', diag)).toEqual({});
    expect(normalizeVolumes(['data'], 'p', diag)).toEqual({});
    expect(diag.items).toEqual([]);
  });
});

describe('resourceIdentity', () => {
  it('reports a legacy external.name that contradicts name', () => {
    const diag = new Diagnostics();
    expect(resourceIdentity('v', { name: 'a', external: { name: 'b' } }, 'p', ['volumes', 'v'], diag)).toEqual({ name: 'a', external: true });
    expect(diag.errors.map((d) => `${d.path}: ${d.message}`)).toEqual(['volumes.v.external.name: external.name "b" conflicts with name "a"']);
  });

  it('takes an empty name (an unset variable) as no name', () => {
    const diag = new Diagnostics();
    expect(resourceIdentity('v', { name: '', external: 'true' }, 'p', ['volumes', 'v'], diag)).toEqual({ name: 'v', external: true });
    expect(resourceIdentity('v', { name: '' }, 'p', ['volumes', 'v'], diag)).toEqual({ name: 'p_v', external: false });
  });

  it('reads external from interpolated text', () => {
    const diag = new Diagnostics();
    expect(resourceIdentity('v', { external: 'false' }, 'p', ['volumes', 'v'], diag)).toEqual({ name: 'p_v', external: false });
  });
});
