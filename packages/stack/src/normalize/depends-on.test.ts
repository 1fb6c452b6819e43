import { describe, expect, it } from 'vitest';
import { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeDependsOn } from './depends-on.js';

const deps = (raw: RawValue, services = ['db', 'cache', 'migrate']) => {
  const diag = new Diagnostics();
  const spec = normalizeDependsOn(raw, ['services', 'web'], { service: 'web', services: new Set(services) }, diag);
  return { spec, messages: diag.items.map((d) => `${d.severity} ${d.path}: ${d.message}`) };
};

describe('normalizeDependsOn', () => {
  it('reads the list form as started, required, no restart', () => {
    expect(deps(['db', 'cache'])).toEqual({
      spec: {
        db: { condition: 'service_started', restart: false, required: true },
        cache: { condition: 'service_started', restart: false, required: true },
      },
      messages: [],
    });
  });

  it('reads the long form with its defaults', () => {
    expect(
      deps({
        db: { condition: 'service_healthy', restart: true },
        migrate: { condition: 'service_completed_successfully', required: 'false' },
        cache: {},
      }).spec,
    ).toEqual({
      db: { condition: 'service_healthy', restart: true, required: true },
      migrate: { condition: 'service_completed_successfully', restart: false, required: false },
      cache: { condition: 'service_started', restart: false, required: true },
    });
  });

  it('reports undefined services: an error when required, a warning otherwise', () => {
    expect(deps(['db', 'queue'])).toEqual({
      spec: { db: { condition: 'service_started', restart: false, required: true } },
      messages: ['error services.web.depends_on[1]: depends on undefined service "queue"'],
    });
    expect(deps({ queue: { condition: 'service_started', required: false }, search: { condition: 'service_healthy' } })).toEqual({
      spec: {},
      messages: [
        'warning services.web.depends_on.queue: depends on undefined service "queue" (ignored: the dependency is not required)',
        'error services.web.depends_on.search: depends on undefined service "search"',
      ],
    });
  });

  it('reports an unknown condition', () => {
    expect(deps({ db: { condition: 'service_ready' } }).messages).toEqual([
      'error services.web.depends_on.db.condition: invalid dependency condition "service_ready": expected "service_started", "service_healthy" or "service_completed_successfully"',
    ]);
  });
});
