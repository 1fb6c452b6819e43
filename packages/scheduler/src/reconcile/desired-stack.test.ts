import { describe, expect, it } from 'vitest';
import { desiredStack } from './desired-stack.js';
import { stackSpec, svc } from './world.fixture.js';

describe('desiredStack', () => {
  const v1 = stackSpec('app', [svc('web'), svc('db')]);

  it('starts every service at generation 1', () => {
    const d = desiredStack(v1);
    expect(Object.entries(d.services).map(([n, s]) => [n, s.generation])).toEqual([
      ['web', 1],
      ['db', 1],
    ]);
    expect(d.spec).toBe(v1);
  });

  it('bumps only the services whose hash changed; new ones start at 1', () => {
    const first = desiredStack(v1);
    const second = desiredStack(stackSpec('app', [svc('web', { image: 'registry.local/web:2' }), svc('db'), svc('cache')]), first);
    expect(Object.fromEntries(Object.entries(second.services).map(([n, s]) => [n, s.generation]))).toEqual({ web: 2, db: 1, cache: 1 });
    expect(second.services['db']!.hash).toBe(first.services['db']!.hash);
    const third = desiredStack(stackSpec('app', [svc('web', { image: 'registry.local/web:2', deploy: { replicas: 5 } })]), second);
    expect(third.services['web']!.generation).toBe(2);
  });
});
