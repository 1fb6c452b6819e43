import { describe, expect, it } from 'vitest';
import type { RestartPolicySpec } from '@berth/api/domain';
import type { ServiceExpectation } from '../client/service-expectations.js';
import { taskView } from '../client/task-view.fixture.js';
import { plainLine, progressEntries, terminalLines, type ProgressEntry } from './progress-lines.js';

const none: RestartPolicySpec = { condition: 'none', maxAttempts: 0, windowMs: 0 };
const services = new Map<string, ServiceExpectation>([
  ['web', { replicas: 1, healthcheck: true, restart: none }],
  ['db', { replicas: 1, healthcheck: false, restart: none }],
  ['api', { replicas: 2, healthcheck: false, restart: none }],
]);
const ctx = { now: 0, unplaceableSince: new Map<string, number>(), unplaceableGraceMs: 5_000 };

describe('progressEntries', () => {
  it('marks each task that should run, sorted by service then slot', () => {
    const tasks = [
      taskView('web', 1, { health: 'healthy' }),
      taskView('db', 1, { state: 'starting' }),
      taskView('api', 2, { state: 'failed', message: 'image api:1 not found' }),
      taskView('api', 1),
      taskView('web', 1, { state: 'stopped', id: 'old', desired: 'stop' }),
    ];
    expect(progressEntries(tasks, services, ctx)).toEqual<ProgressEntry[]>([
      { key: 'api-1-id', name: 'api-1', mark: 'done', text: 'running' },
      { key: 'api-2-id', name: 'api-2', mark: 'failed', text: 'failed: image api:1 not found' },
      { key: 'db-1-id', name: 'db-1', mark: 'working', text: 'starting' },
      { key: 'web-1-id', name: 'web-1', mark: 'done', text: 'running (healthy)' },
    ]);
  });

  it('names global tasks by node', () => {
    const entries = progressEntries([taskView('agent', 0, { nodeName: 'box' })], new Map(), ctx);
    expect(entries.map((e) => e.name)).toEqual(['agent-box']);
  });
});

describe('terminalLines', () => {
  const entries: ProgressEntry[] = [
    { key: 'a', name: 'web-1', mark: 'done', text: 'running (healthy)' },
    { key: 'b', name: 'db-10', mark: 'working', text: 'starting' },
    { key: 'c', name: 'api-2', mark: 'failed', text: 'failed: image api:1 not found' },
  ];

  it.each([
    [0, ['✔ web-1  running (healthy)', '⠋ db-10  starting', '✘ api-2  failed: image api:1 not found']],
    [1, ['✔ web-1  running (healthy)', '⠙ db-10  starting', '✘ api-2  failed: image api:1 not found']],
    [11, ['✔ web-1  running (healthy)', '⠙ db-10  starting', '✘ api-2  failed: image api:1 not found']],
    [-1, ['✔ web-1  running (healthy)', '⠏ db-10  starting', '✘ api-2  failed: image api:1 not found']],
  ])('frame %i without color', (frame, lines) => {
    expect(terminalLines(entries, { frame, color: false })).toEqual(lines);
  });

  it('colors only the mark', () => {
    expect(terminalLines(entries, { frame: 0, color: true })).toEqual([
      '\u001b[32m✔\u001b[0m web-1  running (healthy)',
      '\u001b[36m⠋\u001b[0m db-10  starting',
      '\u001b[31m✘\u001b[0m api-2  failed: image api:1 not found',
    ]);
  });

  it('cuts lines to leave the last terminal column free', () => {
    const lines = terminalLines(entries, { frame: 0, color: false, width: 20 });
    expect(lines[2]).toBe('✘ api-2  failed: i…');
    for (const l of lines) expect([...l].length).toBeLessThan(20);
  });
});

describe('plainLine', () => {
  it('is the name and the status', () => {
    expect(plainLine({ key: 'a', name: 'web-1', mark: 'done', text: 'running' })).toBe('web-1 running');
  });
});
