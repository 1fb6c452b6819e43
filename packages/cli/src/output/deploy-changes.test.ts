import { describe, expect, it } from 'vitest';
import { changeLines } from './deploy-changes.js';

describe('changeLines', () => {
  const changes = [
    { service: 'worker', kind: 'updated' as const, changedFields: ['image', 'deploy.replicas'] },
    { service: 'web', kind: 'created' as const, changedFields: [] },
    { service: 'db', kind: 'unchanged' as const, changedFields: [] },
    { service: 'old', kind: 'removed' as const, changedFields: [] },
    { service: 'cache', kind: 'updated' as const, changedFields: [] },
  ];

  it('lists every service by name with what happened to it', () => {
    expect(changeLines(changes, false)).toEqual([
      'cache   updated',
      'db      unchanged',
      'old     removed',
      'web     created',
      'worker  updated (image, deploy.replicas)',
    ]);
  });

  it('colors the kind only', () => {
    expect(changeLines([changes[1]!], true)).toEqual(['web  \u001b[32mcreated\u001b[0m']);
  });

  it('prints nothing for no changes', () => {
    expect(changeLines([], false)).toEqual([]);
  });
});
