import { isBerthError } from '../errors.js';
import * as wire from '../wire.js';
import { describe, expect, it } from 'vitest';
import { fromProtoAssignmentSet, toProtoAssignmentSet } from './assignment.js';
import { fromProtoSchedulerMessage, toProtoSchedulerMessage } from './scheduler-message.js';

const bareAssignment = (overrides: Partial<wire.Assignment>): wire.Assignment => ({
  taskId: 't-1',
  stack: 's',
  service: 'web',
  slot: 1,
  desiredState: wire.DesiredState.RUN,
  networks: {},
  volumes: {},
  secrets: {},
  configs: {},
  ...overrides,
});

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('assignment set conversion', () => {
  it('round-trips an incremental set with removals and no assignments', () => {
    const set = { kind: 'incremental' as const, revision: 9, assignments: [], removedTaskIds: ['a', 'b'] };
    expect(fromProtoAssignmentSet(toProtoAssignmentSet(set))).toStrictEqual(set);
  });

  it('rejects an assignment without a spec, naming the field', () => {
    const error = errorOf(() =>
      fromProtoAssignmentSet({
        kind: wire.AssignmentSetKind.COMPLETE,
        revision: 1,
        assignments: [bareAssignment({})],
        removedTaskIds: [],
      }),
    );
    expect(isBerthError(error, 'INTERNAL')).toBe(true);
    expect((error as { context: { path: string } }).context.path).toBe('assignmentSet.assignments[0].spec');
  });

  it('rejects an unknown set kind from a newer scheduler', () => {
    const error = errorOf(() =>
      fromProtoAssignmentSet({ kind: 7 as wire.AssignmentSetKind, revision: 1, assignments: [], removedTaskIds: [] }),
    );
    expect(String(error)).toContain('wire field assignmentSet.kind has no known AssignmentSetKind (got 7)');
  });

  it('refuses to encode a value outside the domain union', () => {
    expect(() =>
      toProtoAssignmentSet({ kind: 'partial' as 'complete', revision: 1, assignments: [], removedTaskIds: [] }),
    ).toThrow('"partial" is not a AssignmentSetKind');
  });
});

describe('scheduler message conversion', () => {
  it('ignores a payload this build does not know', () => {
    expect(fromProtoSchedulerMessage({})).toBeUndefined();
  });

  it('round-trips heartbeat acks and log requests with and without optional fields', () => {
    const messages = [
      { kind: 'heartbeatAck', ack: { seq: 3 } },
      { kind: 'heartbeatAck', ack: { seq: 4, leaseExpiresAt: 1_700_000_000_000 } },
      { kind: 'logRequest', request: { requestId: 'r', taskId: 't', follow: false } },
      { kind: 'logRequest', request: { requestId: 'r', taskId: 't', tail: 0, follow: true, since: 5 } },
      { kind: 'logCancel', requestId: 'r' },
      { kind: 'registerAck', ack: { nodeId: 'n', heartbeatPeriodMs: 0, graceMs: 0 } },
    ] as const;
    for (const message of messages) {
      expect(fromProtoSchedulerMessage(toProtoSchedulerMessage(message))).toStrictEqual(message);
    }
  });
});
