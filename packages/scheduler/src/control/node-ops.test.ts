import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { MemoryStateStore } from '../store/memory-store.js';
import { sampleNode, sampleStatus, sampleTask } from '../store/store.fixture.js';
import { checkNodeRemoval, nodeArgument, nodeUpdatePatch, resolveNode, type NodeChanges } from './node-ops.js';

/** Nodes: a1b2c3 "alpha", a1ff00 "beta", c0ffee "twin", d00d00 "twin", e5e5e5 named "c0ffee" (another node's id). */
function store(): MemoryStateStore {
  const s = new MemoryStateStore({ now: () => 1_000 });
  s.putNode({ ...sampleNode('a1b2c3'), name: 'alpha' });
  s.putNode({ ...sampleNode('a1ff00'), name: 'beta' });
  s.putNode({ ...sampleNode('c0ffee'), name: 'twin' });
  s.putNode({ ...sampleNode('d00d00'), name: 'twin' });
  s.putNode({ ...sampleNode('e5e5e5'), name: 'c0ffee' });
  return s;
}

function thrown(fn: () => unknown): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('resolveNode', () => {
  it('finds a node by full id, by name, and by a unique id prefix', () => {
    const s = store();
    expect(resolveNode(s, 'a1b2c3').id).toBe('a1b2c3');
    expect(resolveNode(s, 'beta').id).toBe('a1ff00');
    expect(resolveNode(s, 'a1b').id).toBe('a1b2c3');
    expect(resolveNode(s, ' d00 ').id).toBe('d00d00');
  });

  it('prefers a full id over a name, and a name over a prefix', () => {
    const s = store();
    // "c0ffee" is one node's id and another node's name.
    expect(resolveNode(s, 'c0ffee').id).toBe('c0ffee');
    s.putNode({ ...sampleNode('f00000'), name: 'e5' });
    // "e5" is a name and an id prefix of e5e5e5.
    expect(resolveNode(s, 'e5').id).toBe('f00000');
  });

  it('refuses an ambiguous name or prefix with USAGE, listing the candidates', () => {
    const s = store();
    const twin = thrown(() => resolveNode(s, 'twin'));
    expect(isBerthError(twin, 'USAGE')).toBe(true);
    expect((twin as Error).message).toBe('"twin" is the name of 2 nodes: twin (c0ffee), twin (d00d00); name one by its id');
    const prefix = thrown(() => resolveNode(s, 'a1'));
    expect(prefix).toMatchObject({ code: 'USAGE', message: '"a1" is an id prefix of 2 nodes: alpha (a1b2c3), beta (a1ff00); name one by its id' });
  });

  it('is NOT_FOUND for nothing matching and USAGE for an empty argument', () => {
    const s = store();
    expect(thrown(() => resolveNode(s, 'gamma'))).toMatchObject({ code: 'NOT_FOUND', message: expect.stringContaining('no node "gamma"') });
    expect(thrown(() => resolveNode(s, 'b1'))).toMatchObject({ code: 'NOT_FOUND' });
    expect(thrown(() => resolveNode(s, '  '))).toMatchObject({ code: 'USAGE' });
  });
});

describe('nodeArgument', () => {
  it('is the name when it names only that node, else the id', () => {
    const s = store();
    expect(nodeArgument(s, s.node('a1b2c3')!)).toBe('alpha');
    expect(nodeArgument(s, s.node('c0ffee')!)).toBe('c0ffee'); // "twin" is shared
    expect(nodeArgument(s, s.node('e5e5e5')!)).toBe('e5e5e5'); // its name is another node's id
  });
});

describe('nodeUpdatePatch', () => {
  const node = { ...sampleNode('n1', { zone: 'a', disk: 'ssd' }) };

  it('removes, then adds labels, and sets the availability', () => {
    expect(nodeUpdatePatch(node, { labelsAdd: { zone: 'b', gpu: 'yes' }, labelsRemove: ['disk', 'absent'], availability: 'drain' })).toEqual({
      labels: { zone: 'b', gpu: 'yes' },
      // Remembered, so the agent's own labels do not undo them when it registers again.
      operatorLabels: { zone: 'b', gpu: 'yes', disk: null, absent: null },
      availability: 'drain',
    });
    expect(nodeUpdatePatch(node, { labelsAdd: {}, labelsRemove: [], availability: 'pause' })).toEqual({ availability: 'pause' });
  });

  it('is undefined when the node already is that way', () => {
    expect(nodeUpdatePatch(node, { labelsAdd: { zone: 'a' }, labelsRemove: ['absent'], availability: 'active' })).toBeUndefined();
  });

  it('refuses bad label keys, contradictions and empty requests with USAGE', () => {
    const bad: NodeChanges[] = [
      { labelsAdd: { '': 'x' }, labelsRemove: [] },
      { labelsAdd: { 'a=b': 'x' }, labelsRemove: [] },
      { labelsAdd: {}, labelsRemove: ['k=v'] },
      { labelsAdd: { zone: 'b' }, labelsRemove: ['zone'] },
      { labelsAdd: {}, labelsRemove: [] },
    ];
    for (const changes of bad) expect(thrown(() => nodeUpdatePatch(node, changes))).toMatchObject({ code: 'USAGE' });
    expect(thrown(() => nodeUpdatePatch(node, bad[3]!))).toMatchObject({ message: 'label "zone" is both added and removed' });
  });
});

describe('checkNodeRemoval', () => {
  it('refuses a ready node without force, naming the drain command', () => {
    const s = store();
    const error = thrown(() => checkNodeRemoval(s, s.node('a1b2c3')!, false));
    expect(error).toMatchObject({
      code: 'CONFLICT',
      message: 'node alpha is ready; drain it first (berth node update --availability drain alpha) or use --force',
    });
  });

  it('counts the live tasks a removal moves (forced, or of a down node)', () => {
    const s = store();
    s.putTask(sampleTask('t1', 'demo', 'web', 1, 'a1b2c3'));
    s.putTask({ ...sampleTask('t2', 'demo', 'web', 2, 'a1b2c3'), status: sampleStatus('t2', 'assigned') });
    s.putTask({ ...sampleTask('t3', 'demo', 'web', 3, 'a1b2c3'), status: sampleStatus('t3', 'exited') });
    s.putTask({ ...sampleTask('t4', 'demo', 'web', 4, 'a1b2c3'), desired: 'stop' });
    s.putTask(sampleTask('t5', 'demo', 'web', 5, 'a1ff00'));
    expect(checkNodeRemoval(s, s.node('a1b2c3')!, true)).toBe(2);
    s.updateNode('a1b2c3', { state: 'down' });
    expect(checkNodeRemoval(s, s.node('a1b2c3')!, false)).toBe(2);
  });
});
