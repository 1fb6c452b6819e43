import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api/domain';
import { parseScaleTargets } from './scale-targets.js';

describe('parseScaleTargets', () => {
  it.each([
    [['web=3'], [{ service: 'web', replicas: 3 }]],
    [['web=0', 'worker=12'], [{ service: 'web', replicas: 0 }, { service: 'worker', replicas: 12 }]],
    [['web=2', 'web=2'], [{ service: 'web', replicas: 2 }]],
    [['my-svc_1=007'], [{ service: 'my-svc_1', replicas: 7 }]],
  ])('%j → %j', (operands, expected) => {
    expect(parseScaleTargets(operands)).toEqual(expected);
  });

  it.each([
    [[], /at least one SERVICE=N/],
    [['web'], /invalid scale "web"/],
    [['=3'], /invalid scale "=3"/],
    [['web='], /invalid scale "web="/],
    [['web=-1'], /whole number/],
    [['web=1.5'], /whole number/],
    [['web=three'], /whole number/],
    [['web=10001'], /at most 10000/],
    [['web=1', 'web=2'], /scaled twice \(1 and 2\)/],
  ])('rejects %j as a usage error', (operands, message) => {
    let error: unknown;
    try {
      parseScaleTargets(operands);
    } catch (e) {
      error = e;
    }
    expect(isBerthError(error, 'USAGE')).toBe(true);
    expect((error as Error).message).toMatch(message);
  });
});
