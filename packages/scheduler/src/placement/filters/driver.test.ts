import { describe, expect, it } from 'vitest';
import type { DriverStatus } from '@berth/api';
import { node, svc } from '../../reconcile/world.fixture.js';
import { placementRequest } from '../placement-request.js';
import { driverFilter } from './driver.js';

const dockerReq = placementRequest('app/web', svc('web'));
const processReq = placementRequest('app/job', svc('job', { berth: { ...svc('job').berth, driver: 'process' } }));
const docker = (available: boolean): DriverStatus => ({ name: 'docker', available, message: available ? '' : 'no engine' });
const proc: DriverStatus = { name: 'process', available: true, message: '' };

describe('driverFilter', () => {
  it.each<[string, DriverStatus[], typeof dockerReq, string | undefined]>([
    ['docker available', [docker(true)], dockerReq, undefined],
    ['docker reported unavailable', [docker(false), proc], dockerReq, 'missing'],
    ['docker not reported at all', [proc], dockerReq, 'missing'],
    ['process available', [docker(false), proc], processReq, undefined],
    ['no drivers', [], processReq, 'missing'],
  ])('%s → %s', (_name, drivers, req, cause) => {
    expect(driverFilter.reject(node('n1', { drivers }), req)).toBe(cause);
  });

  it('names the driver, singular and plural', () => {
    expect(driverFilter.describe('missing', 1, processReq)).toBe('1 node lacks driver process');
    expect(driverFilter.describe('missing', 4, dockerReq)).toBe('4 nodes lack driver docker');
  });
});
