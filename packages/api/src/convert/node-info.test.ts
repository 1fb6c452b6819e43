import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as w from '../gen/berth/v1/node.js';
import type { DriverStatus, NodeInfo } from '../spec/node.js';
import { fromProtoNodeInfo, toProtoNodeInfo } from './node-info.js';

/** An arbitrary for every key of T: a new domain field fails to compile here. */
type Model<T> = { [K in keyof T]-?: fc.Arbitrary<T[K]> };
const record = <T extends object>(model: Model<T>): fc.Arbitrary<T> =>
  fc.record(model, { noNullPrototype: true }) as unknown as fc.Arbitrary<T>;

const str = fc.string({ unit: 'grapheme', maxLength: 12 });
// operatorLabels is scheduler state and never on the wire.
const node = record<Omit<NodeInfo, 'operatorLabels'>>({
  id: str,
  name: str,
  address: str,
  state: fc.constantFrom('ready', 'down'),
  availability: fc.constantFrom('active', 'pause', 'drain'),
  role: fc.constantFrom('manager', 'worker'),
  labels: fc.dictionary(
    str.filter((k) => k !== '__proto__'),
    str,
    { maxKeys: 3, noNullPrototype: true },
  ),
  cpus: fc.double({ min: 0, noNaN: true }),
  memoryBytes: fc.maxSafeNat(),
  drivers: fc.array(
    record<DriverStatus>({
      name: fc.constantFrom('docker', 'process'),
      available: fc.boolean(),
      message: str,
    }),
    { maxLength: 2 },
  ),
});

describe('NodeInfo wire conversion', () => {
  it('round-trips any NodeInfo through binary encoding unchanged', () => {
    fc.assert(
      fc.property(node, (n) => {
        const bytes = w.NodeInfo.encode(toProtoNodeInfo(n)).finish();
        expect(fromProtoNodeInfo(w.NodeInfo.decode(bytes))).toStrictEqual(n);
      }),
      { numRuns: 200 },
    );
  });

  it.each<[string, (m: w.NodeInfo) => void, string]>([
    ['an UNSPECIFIED state', (m) => { m.state = w.NodeState.UNSPECIFIED; }, 'node.state'],
    ['an unknown role', (m) => { m.role = 7 as w.NodeRole; }, 'node.role'],
    ['an UNSPECIFIED driver', (m) => { m.drivers[0]!.name = 0; }, 'node.drivers[0].name'],
  ])('rejects %s with the field path', (_, corrupt, path) => {
    const wire = toProtoNodeInfo({
      id: 'n1',
      name: 'a',
      address: '10.0.0.1',
      state: 'ready',
      availability: 'active',
      role: 'worker',
      labels: {},
      cpus: 2,
      memoryBytes: 1024,
      drivers: [{ name: 'docker', available: false, message: 'socket not found' }],
    });
    corrupt(wire);
    expect(() => fromProtoNodeInfo(wire)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', context: expect.objectContaining({ path }) }),
    );
  });
});
