// Is what runs exactly a stack's desired set? (pure)
import { describe, expect, it } from 'vitest';
import { desiredSetProblems } from '../support/desired-set.mjs';

const DESIRED = { web: { replicas: 2, hosts: [1, 2] }, worker: { replicas: 1, hosts: [1, 2, 3] } };
const copy = (service: string, slot: number, host: number, stack = 's'): { host: number; stack: string; service: string; slot: number; taskId: string; id: string } => ({
  host,
  stack,
  service,
  slot,
  taskId: `${service}${slot}`,
  id: `${service}${slot}@${host}`,
});

describe('desiredSetProblems', () => {
  it('accepts exactly one copy per slot on allowed hosts, ignoring other stacks', () => {
    expect(desiredSetProblems([copy('web', 1, 1), copy('web', 2, 2), copy('worker', 1, 3), copy('web', 1, 3, 'other')], 's', DESIRED)).toEqual([]);
  });

  it('names missing, doubled, misplaced, avoided and undesired copies', () => {
    const problems = desiredSetProblems(
      [copy('web', 1, 1), copy('web', 1, 2), copy('web', 2, 3), copy('worker', 2, 1)],
      's',
      DESIRED,
      [1],
    );
    expect(problems).toEqual([
      's/web/1: 2 copies',
      's/web/1 still runs on host 1',
      's/web/2 runs on host 3, which its constraint excludes',
      's/worker/1: 0 copies',
      's/worker/2: not desired but running',
    ]);
  });
});
