import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as w from '../gen/berth/v1/task.js';
import {
  HEALTH_STATES,
  TASK_STATES,
  type BoundPort,
  type TaskState,
  type TaskStatus,
} from '../spec/task.js';
import { fromProtoTaskStatus, taskStateMapping, toProtoTaskStatus } from './task-status.js';

/** An arbitrary for every key of T, optional ones included: a new domain field fails to compile here. */
type Model<T> = { [K in keyof T]-?: fc.Arbitrary<Exclude<T[K], undefined>> };
type OptionalKeys<T> = { [K in keyof T]-?: undefined extends T[K] ? K : never }[keyof T];
function record<T extends object>(model: Model<T>, optional: OptionalKeys<T>[] = []): fc.Arbitrary<T> {
  const requiredKeys = (Object.keys(model) as (keyof T)[]).filter(
    (k) => !(optional as (keyof T)[]).includes(k),
  );
  return fc.record(model, { requiredKeys, noNullPrototype: true }) as unknown as fc.Arbitrary<T>;
}

const str = fc.string({ unit: 'grapheme', maxLength: 12 });
const epochMs = fc.integer({ min: 0, max: 8_640_000_000_000_000 });
const stateTimes: fc.Arbitrary<Partial<Record<TaskState, number>>> = fc
  .subarray([...TASK_STATES])
  .chain((states) =>
    fc.tuple(...states.map((s) => epochMs.map((at) => [s, at] as const))),
  )
  .map((entries) => Object.fromEntries(entries));

const status = record<TaskStatus>(
  {
    taskId: str,
    state: fc.constantFrom(...TASK_STATES),
    health: fc.constantFrom(...HEALTH_STATES),
    exitCode: fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 }),
    message: str,
    restarts: fc.integer({ min: 0, max: 0xffff_ffff }),
    runtimeId: str,
    stateTimes,
    ports: fc.array(
      record<BoundPort>({
        target: fc.integer({ min: 0, max: 65_535 }),
        published: fc.integer({ min: 0, max: 65_535 }),
        hostIp: str,
        protocol: fc.constantFrom('tcp', 'udp', 'sctp'),
      }),
      { maxLength: 3 },
    ),
  },
  ['exitCode', 'runtimeId'],
);

const throughWire = (s: TaskStatus): TaskStatus =>
  fromProtoTaskStatus(w.TaskStatus.decode(w.TaskStatus.encode(toProtoTaskStatus(s)).finish()));

const base: TaskStatus = {
  taskId: 't1',
  state: 'running',
  health: 'healthy',
  message: '',
  restarts: 0,
  stateTimes: { running: 2_000, pending: 1_000 },
  ports: [],
};

describe('TaskStatus wire conversion', () => {
  it('round-trips any TaskStatus through binary encoding unchanged', () => {
    fc.assert(
      fc.property(status, (s) => {
        expect(throughWire(s)).toStrictEqual(s);
      }),
      { numRuns: 300 },
    );
  });

  it('orders TASK_STATES like the wire enum, each state once', () => {
    const numbers = TASK_STATES.map((s) => taskStateMapping.toWire(s));
    expect(numbers).toEqual([...numbers].sort((a, b) => a - b));
    // A numeric enum maps both ways; UNSPECIFIED and UNRECOGNIZED have no domain state.
    expect(new Set(numbers).size).toBe(Object.keys(w.TaskState).length / 2 - 2);
  });

  it('lists state times in life-cycle order whatever the key order', () => {
    expect(toProtoTaskStatus(base).stateTimes.map((t) => t.state)).toEqual([
      w.TaskState.PENDING,
      w.TaskState.RUNNING,
    ]);
  });

  it.each<[string, TaskStatus['exitCode']]>([
    ['exit code 0 apart from none', 0],
    ['a negative exit code', -1],
  ])('keeps %s', (_, exitCode) => {
    expect(throughWire({ ...base, exitCode }).exitCode).toBe(exitCode);
  });

  it('keeps an absent exit code absent', () => {
    expect('exitCode' in throughWire(base)).toBe(false);
  });

  it.each<[string, (m: w.TaskStatus) => void, string]>([
    ['an UNSPECIFIED state', (m) => { m.state = w.TaskState.UNSPECIFIED; }, 'taskStatus.state'],
    ['an unknown health', (m) => { m.health = 99 as w.HealthState; }, 'taskStatus.health'],
    ['a state time without time', (m) => { delete m.stateTimes[1]!.time; }, 'taskStatus.stateTimes[1].time'],
  ])('rejects %s with the field path', (_, corrupt, path) => {
    const wire = toProtoTaskStatus(base);
    corrupt(wire);
    expect(() => fromProtoTaskStatus(wire)).toThrow(
      expect.objectContaining({ code: 'INTERNAL', context: expect.objectContaining({ path }) }),
    );
  });
});
