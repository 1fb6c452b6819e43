import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { StackCleanup } from '../spec/stack-cleanup.js';
import * as wire from '../wire.js';
import { fromProtoSchedulerMessage, toProtoSchedulerMessage, type SchedulerMessage } from './scheduler-message.js';

/** Domain → wire → bytes → wire → domain, as a message crosses the link. */
function overTheWire(message: SchedulerMessage): SchedulerMessage | undefined {
  const bytes = wire.SchedulerMessage.encode(toProtoSchedulerMessage(message)).finish();
  return fromProtoSchedulerMessage(wire.SchedulerMessage.decode(bytes));
}

describe('stack cleanup conversion', () => {
  it('round-trips any stack name with and without volume removal, through the encoded bytes', () => {
    // Built as plain objects: fast-check's null-prototype records would differ under toStrictEqual.
    const cleanup: fc.Arbitrary<StackCleanup> = fc
      .tuple(fc.string({ unit: 'grapheme', maxLength: 40 }), fc.boolean())
      .map(([stack, removeVolumes]) => ({ stack, removeVolumes }));
    fc.assert(
      fc.property(cleanup, (c) => {
        const message: SchedulerMessage = { kind: 'stackCleanup', cleanup: c };
        expect(fromProtoSchedulerMessage(toProtoSchedulerMessage(message))).toStrictEqual(message);
        expect(overTheWire(message)).toStrictEqual(message);
      }),
    );
  });

  it('travels as SchedulerMessage field 6 with the stack as field 1 and the flag as field 2', () => {
    const bytes = wire.SchedulerMessage.encode(
      toProtoSchedulerMessage({ kind: 'stackCleanup', cleanup: { stack: 'ab', removeVolumes: true } }),
    ).finish();
    // Tag 6/LEN, length 6, then tag 1/LEN "ab", tag 2/VARINT 1.
    expect([...bytes]).toEqual([0x32, 6, 0x0a, 2, 0x61, 0x62, 0x10, 1]);
  });

  it('decodes a cleanup without the flag (an older scheduler never sets it) as keeping volumes', () => {
    const bytes = wire.SchedulerMessage.encode({ payload: { $case: 'stackCleanup', value: { stack: 'demo', removeVolumes: false } } }).finish();
    expect(fromProtoSchedulerMessage(wire.SchedulerMessage.decode(bytes))).toStrictEqual({
      kind: 'stackCleanup',
      cleanup: { stack: 'demo', removeVolumes: false },
    });
  });
});
