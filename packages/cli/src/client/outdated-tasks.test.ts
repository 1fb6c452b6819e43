import { describe, expect, it } from 'vitest';
import type { ServiceChange } from './control-api.js';
import { outdatedTaskIds, replacedServices } from './outdated-tasks.js';
import { taskView } from './task-view.fixture.js';

const change = (service: string, kind: ServiceChange['kind'], changedFields: string[] = []): ServiceChange => ({ service, kind, changedFields });

describe('replacedServices', () => {
  it.each<[string, ServiceChange[], string[]]>([
    ['created and unchanged replace nothing', [change('a', 'created'), change('b', 'unchanged')], []],
    ['a scale keeps tasks', [change('w', 'updated', ['deploy.replicas'])], []],
    ['start order and roll settings keep tasks', [change('w', 'updated', ['dependsOn', 'deploy.updateConfig', 'deploy.labels'])], []],
    ['the environment replaces them', [change('w', 'updated', ['environment'])], ['w']],
    ['one workload field among others is enough', [change('w', 'updated', ['deploy.replicas', 'image'])], ['w']],
    ['an update without named fields replaces them', [change('w', 'updated')], ['w']],
    ['a removed service goes', [change('old', 'removed')], ['old']],
  ])('%s', (_name, changes, services) => {
    expect([...replacedServices(changes)]).toEqual(services);
  });
});

describe('outdatedTaskIds', () => {
  it('names the earlier tasks of replaced services only', () => {
    const before = [taskView('web', 1), taskView('worker', 1), taskView('worker', 2)];
    const ids = outdatedTaskIds(before, [change('web', 'unchanged'), change('worker', 'updated', ['command'])]);
    expect([...ids]).toEqual(['worker-1-id', 'worker-2-id']);
  });
});
