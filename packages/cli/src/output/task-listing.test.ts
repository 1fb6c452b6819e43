import { describe, expect, it } from 'vitest';
import { taskView } from '../client/task-view.fixture.js';
import { renderTable } from './table.js';
import { sortTasks, taskColumns, taskJson, taskRow } from './task-listing.js';

describe('taskJson', () => {
  it('has exactly the documented keys, node by name, absent values as null', () => {
    expect(taskJson(taskView('web', 2, { nodeName: 'box', health: 'healthy', restarts: 1, exitCode: 0 }))).toEqual({
      id: 'web-2-id',
      stack: 'demo',
      service: 'web',
      slot: 2,
      node: 'box',
      state: 'running',
      health: 'healthy',
      restarts: 1,
      exitCode: 0,
      message: '',
    });
    const pending = taskJson(taskView('db', 1, { state: 'pending', nodeId: undefined, message: 'waiting for a node', ports: [{ target: 1, published: 1, hostIp: '', protocol: 'tcp' }] }));
    expect(Object.keys(pending)).toEqual(['id', 'stack', 'service', 'slot', 'node', 'state', 'health', 'restarts', 'exitCode', 'message']);
    expect(pending.node).toBeNull();
    expect(pending.exitCode).toBeNull();
  });

  it('falls back to the node id when the name is unknown', () => {
    expect(taskJson(taskView('web', 1, { nodeId: 'n9' })).node).toBe('n9');
  });
});

describe('taskRow / taskColumns', () => {
  it.each([
    ['running', taskView('web', 1, { nodeName: 'box', health: 'healthy' }), ['web-1', 'web', 'box', 'running', 'healthy', '0', '', '']],
    ['pending', taskView('db', 1, { state: 'pending', nodeId: undefined, message: 'waiting for web (service_healthy)' }), ['db-1', 'db', '', 'pending', '', '0', '', 'waiting for web (service_healthy)']],
    ['failed', taskView('api', 3, { state: 'failed', exitCode: 137, restarts: 4, message: 'oom' }), ['api-3', 'api', 'n1', 'failed', '', '4', '137', 'oom']],
    ['stopping', taskView('web', 1, { desired: 'stop' }), ['web-1', 'web', 'n1', 'stopping', '', '0', '', '']],
    ['stopped', taskView('web', 1, { desired: 'stop', state: 'stopped' }), ['web-1', 'web', 'n1', 'stopped', '', '0', '', '']],
    ['global', taskView('agent', 0, { nodeName: 'box' }), ['agent-box', 'agent', 'box', 'running', '', '0', '', '']],
  ])('%s', (_name, task, row) => {
    expect(taskRow(task, false)).toEqual(row);
  });

  it('leads with the stack when asked', () => {
    expect(taskColumns(true)[0]?.header).toBe('STACK');
    expect(taskRow(taskView('web', 1), true).slice(0, 2)).toEqual(['demo', 'web-1']);
    expect(taskColumns(false).map((c) => c.header)).toEqual(['NAME', 'SERVICE', 'NODE', 'STATE', 'HEALTH', 'RESTARTS', 'EXIT', 'MESSAGE']);
  });

  it('renders as a table', () => {
    const lines = renderTable(taskColumns(false), [taskRow(taskView('web', 1, { nodeName: 'box' }), false)]);
    expect(lines).toEqual([
      'NAME    SERVICE   NODE   STATE     HEALTH   RESTARTS   EXIT   MESSAGE',
      'web-1   web       box    running            0',
    ]);
  });
});

describe('sortTasks', () => {
  it('orders by stack, service, slot, then tasks that should run', () => {
    const tasks = [
      taskView('web', 2),
      taskView('web', 1, { id: 'old', desired: 'stop' }),
      taskView('api', 1),
      taskView('web', 1, { id: 'new' }),
      taskView('web', 1, { stack: 'aaa', id: 'other' }),
    ];
    expect(sortTasks(tasks).map((t) => t.id)).toEqual(['other', 'api-1-id', 'new', 'old', 'web-2-id']);
  });
});
