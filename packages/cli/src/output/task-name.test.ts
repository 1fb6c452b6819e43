import { describe, expect, it } from 'vitest';
import { taskName } from './task-name.js';

describe('taskName', () => {
  it.each([
    [{ service: 'web', slot: 1, id: 'abc' }, 'web-1'],
    [{ service: 'web', slot: 12, id: 'abc', nodeName: 'n1' }, 'web-12'],
    [{ service: 'agent', slot: 0, id: '1a2b3c4d5e6f', nodeName: 'node1' }, 'agent-node1'],
    [{ service: 'agent', slot: 0, id: '1a2b3c4d5e6f' }, 'agent-1a2b3c4d'],
    [{ service: 'agent', slot: 0, id: '1a2b3c4d5e6f', nodeName: '' }, 'agent-1a2b3c4d'],
  ])('%j → %s', (task, name) => {
    expect(taskName(task)).toBe(name);
  });
});
