import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TaskChange } from '../store/store-events.js';
import { sampleTask } from '../store/store.fixture.js';
import { AssignmentOutbox } from './assignment-outbox.js';

/** A new task `id` placed on `nodeId`, as the store reports it. */
const placed = (id: string, nodeId: string): TaskChange => ({
  id,
  task: { ...sampleTask(id, 'shop', 'web', 1, nodeId), updatedAt: 1, revision: 1 },
  previous: undefined,
});

/** `perNode` new tasks on each of nodes n1..n`nodes`, ids `<node>-<k>`. */
const placements = (nodes: number, perNode: number): TaskChange[] =>
  Array.from({ length: nodes }, (_, n) => Array.from({ length: perNode }, (_, k) => placed(`n${n + 1}-${k + 1}`, `n${n + 1}`))).flat();

const after = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

const outboxes: AssignmentOutbox[] = [];
afterEach(() => {
  vi.useRealTimers();
  for (const o of outboxes.splice(0)) o.close();
});

/** An outbox recording what it sends, per send call: [node, sorted task ids]. */
function recording(maxPerTurn: number, batchMs = 1) {
  const sent: Array<[string, string[]]> = [];
  const outbox = new AssignmentOutbox({
    batchMs,
    maxPerTurn,
    send: (nodeId, ids) => sent.push([nodeId, [...ids].sort()]),
    failed: (nodeId, error) => {
      throw new Error(`unexpected failure for ${nodeId}: ${String(error)}`);
    },
  });
  outboxes.push(outbox);
  return { outbox, sent };
}

describe('AssignmentOutbox', () => {
  it('gathers changes for batchMs and sends one set per node', async () => {
    const { outbox, sent } = recording(100, 20);
    outbox.gather(placements(2, 1), () => true);
    outbox.gather([placed('n1-2', 'n1')], () => true);
    await after(5);
    expect(sent).toEqual([]);
    await after(40);
    expect(sent).toEqual([
      ['n1', ['n1-1', 'n1-2']],
      ['n2', ['n2-1']],
    ]);
  });

  it('sends a big batch over several turns of the event loop, whole nodes at a time', () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setImmediate', 'clearImmediate'] });
    const { outbox, sent } = recording(5);
    // One turn of the event loop: the next due timer or immediate.
    const turn = (): void => void vi.advanceTimersToNextTimer();
    outbox.gather(placements(6, 2), () => true);
    turn();
    // At least 5 tasks' worth per turn, in whole sets: 3 nodes (6 tasks) in the first turn.
    expect(sent.map(([n]) => n)).toEqual(['n1', 'n2', 'n3']);
    expect(outbox.pending).toBe(true);
    // Changes that arrive meanwhile join the queue.
    outbox.gather([placed('n1-3', 'n1'), placed('n6-3', 'n6')], () => true);
    turn();
    expect(sent.map(([n]) => n)).toEqual(['n1', 'n2', 'n3', 'n4', 'n5', 'n6']);
    turn();
    expect(sent.slice(6)).toEqual([['n1', ['n1-3']]]);
    expect(sent.find(([n]) => n === 'n6')).toEqual(['n6', ['n6-1', 'n6-2', 'n6-3']]);
    expect(outbox.pending).toBe(false);
  });

  it('flush sends everything at once; forget and unconnected nodes drop theirs', async () => {
    const { outbox, sent } = recording(1);
    outbox.gather(placements(4, 1), (nodeId) => nodeId !== 'n4');
    outbox.forget('n2');
    outbox.flush();
    expect(sent.map(([n]) => n)).toEqual(['n1', 'n3']);
    await after(10);
    expect(sent).toHaveLength(2);
  });
});
