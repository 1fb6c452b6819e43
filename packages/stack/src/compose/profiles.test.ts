import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { parseStackText } from '../yaml-source.js';
import { applyProfiles } from './profiles.js';

function run(yaml: string, active: string[]) {
  const r = parseStackText(yaml, '/p/compose.yaml', 'compose.yaml');
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  const diag = new Diagnostics(r.loaded.sources);
  const model = applyProfiles(r.loaded.model, active, diag);
  return { model, services: Object.keys((model['services'] as RawMap | undefined) ?? {}), errors: diag.errors.map(formatDiagnostic) };
}

// The spec's illustrative example.
const SPEC = `services:
  foo:
    image: foo
  bar:
    image: bar
    profiles: [test]
  baz:
    image: baz
    depends_on: [bar]
    profiles: [test]
  zot:
    image: zot
    depends_on: [bar]
    profiles: [debug]
`;

describe('applyProfiles (spec example)', () => {
  const cases: { active: string[]; services: string[]; errors: string[] }[] = [
    { active: [], services: ['foo'], errors: [] },
    { active: ['test'], services: ['foo', 'bar', 'baz'], errors: [] },
    {
      active: ['debug'],
      services: ['foo', 'zot'],
      errors: ['compose.yaml:13:18 services.zot.depends_on[0]: depends on service "bar" which is disabled by profiles (enable profile "test")'],
    },
    { active: ['debug', 'test'], services: ['foo', 'bar', 'baz', 'zot'], errors: [] },
    { active: ['*'], services: ['foo', 'bar', 'baz', 'zot'], errors: [] },
  ];
  it.each(cases)('active $active', ({ active, services, errors }) => {
    const r = run(SPEC, active);
    expect(r.services).toEqual(services);
    expect(r.errors).toEqual(errors);
  });
});

describe('applyProfiles: references to disabled services', () => {
  it('drops an optional dependency on a disabled service', () => {
    const r = run('services:\n  web:\n    depends_on:\n      db: {condition: service_started, required: false}\n      cache: {condition: service_started}\n  db:\n    profiles: [db]\n  cache: {}\n', []);
    expect(r.errors).toEqual([]);
    expect((r.model['services'] as RawMap)['web']).toEqual({ depends_on: { cache: { condition: 'service_started' } } });
  });

  it('reports a required long-form dependency at its key, listing every profile that would enable it', () => {
    const r = run('services:\n  web:\n    depends_on:\n      db:\n        condition: service_healthy\n  db:\n    profiles: [db, all]\n', []);
    expect(r.errors).toEqual([
      'compose.yaml:4:7 services.web.depends_on.db: depends on service "db" which is disabled by profiles (enable one of the profiles "db", "all")',
    ]);
  });

  it('reports links, volumes_from and service: namespaces', () => {
    const r = run(
      'services:\n  web:\n    links: ["db:database"]\n    volumes_from: ["db:ro", "container:other"]\n    network_mode: "service:db"\n    ipc: "service:db"\n  db:\n    profiles: [x]\n',
      [],
    );
    expect(r.errors.map((e) => e.replace(/^\S+ /, ''))).toEqual([
      'services.web.links[0]: links to service "db" which is disabled by profiles (enable profile "x")',
      'services.web.volumes_from[0]: mounts volumes from service "db" which is disabled by profiles (enable profile "x")',
      'services.web.network_mode: network_mode refers to service "db" which is disabled by profiles (enable profile "x")',
      'services.web.ipc: ipc refers to service "db" which is disabled by profiles (enable profile "x")',
    ]);
  });

  it('does not check disabled services themselves', () => {
    const r = run('services:\n  tool:\n    profiles: [t]\n    depends_on: [db]\n  db:\n    profiles: [d]\n', []);
    expect(r.errors).toEqual([]);
    expect(r.services).toEqual([]);
  });

  it('returns the same model when nothing is disabled', () => {
    const r = parseStackText('services:\n  a: {profiles: [p]}\n', '/p/c.yaml', 'c.yaml');
    const model = r.loaded?.model as RawMap;
    expect(applyProfiles(model, ['p'], new Diagnostics())).toBe(model);
  });
});

describe('applyProfiles: properties', () => {
  const profile = fc.constantFrom('a', 'b', 'c');
  const serviceProfiles = fc.dictionary(fc.stringMatching(/^s[0-9]$/), fc.array(profile, { maxLength: 2 }), { maxKeys: 6 });
  it('keeps exactly the services without profiles or with an active one', () => {
    fc.assert(
      fc.property(serviceProfiles, fc.array(profile, { maxLength: 3 }), (byService, active) => {
        const services: RawMap = {};
        for (const [name, profiles] of Object.entries(byService)) services[name] = profiles.length > 0 ? { profiles } : {};
        const out = applyProfiles({ services }, active, new Diagnostics());
        const kept = Object.keys(out['services'] as RawMap);
        const expected = Object.keys(byService).filter((n) => (byService[n] ?? []).length === 0 || (byService[n] ?? []).some((p) => active.includes(p)));
        expect(kept).toEqual(expected);
      }),
    );
  });

  it('with "*" keeps every service', () => {
    fc.assert(
      fc.property(serviceProfiles, (byService) => {
        const services: RawMap = {};
        for (const [name, profiles] of Object.entries(byService)) services[name] = { profiles };
        expect(Object.keys(applyProfiles({ services }, ['*'], new Diagnostics())['services'] as RawMap)).toEqual(Object.keys(byService));
      }),
    );
  });
});
