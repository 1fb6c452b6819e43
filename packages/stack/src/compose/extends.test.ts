import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { Diagnostics, formatDiagnostic } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import type { RawMap } from '../raw-model.js';
import { SourceMap } from '../source-map.js';
import { parseStackText } from '../yaml-source.js';
import { applyExtends } from './extends.js';

function load(name: string, text: string): LoadedModel {
  const r = parseStackText(text, `/p/${name}`, name);
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.loaded;
}

/** Runs applyExtends on `main` with the other files available by absolute path. */
function run(main: string, others: Record<string, string> = {}) {
  const diag = new Diagnostics();
  const files = new Map(Object.entries(others).map(([name, text]) => [`/p/${name}`, load(name, text)]));
  const loads: string[] = [];
  const result = applyExtends(load('compose.yaml', main), {
    diag,
    loadFile: (file) => {
      loads.push(file);
      return files.get(file);
    },
  });
  return { result, services: result.model['services'] as RawMap, errors: diag.errors.map(formatDiagnostic), loads };
}

describe('applyExtends: merging', () => {
  it('merges the base service under the extending one (spec example)', () => {
    const { services, errors } = run(
      'services:\n  common:\n    image: busybox\n    environment:\n      TZ: utc\n      PORT: "80"\n  cli:\n    extends:\n      service: common\n    environment:\n      PORT: "8080"\n',
    );
    expect(errors).toEqual([]);
    expect(services['cli']).toEqual({ image: 'busybox', environment: { TZ: 'utc', PORT: '8080' } });
    expect(services['common']).toEqual({ image: 'busybox', environment: { TZ: 'utc', PORT: '80' } });
  });

  it('accepts the short form `extends: name` and resolves chains (spec example)', () => {
    const { services } = run('services:\n  base:\n    image: busybox\n    user: root\n  common:\n    image: busybox\n    extends: base\n  cli:\n    extends:\n      service: common\n');
    expect(services['cli']).toEqual({ image: 'busybox', user: 'root' });
    expect(services['common']).toEqual({ image: 'busybox', user: 'root' });
  });

  it('uses the service merge rules: volumes by target, sequences appended, command replaced', () => {
    const { services } = run(
      'services:\n  common:\n    image: busybox\n    volumes: ["common-volume:/var/lib/backup/data:rw"]\n    security_opt: ["label:role:ROLE"]\n    command: [a]\n  cli:\n    extends: common\n    volumes: ["cli-volume:/var/lib/backup/data:ro"]\n    security_opt: ["label:user:USER"]\n    command: [b]\n',
    );
    expect(services['cli']).toEqual({
      image: 'busybox',
      volumes: ['cli-volume:/var/lib/backup/data:ro'],
      security_opt: ['label:role:ROLE', 'label:user:USER'],
      command: ['b'],
    });
  });

  it('inherits depends_on and the other reference attributes, as the current spec does', () => {
    const { services } = run('services:\n  db: {image: pg}\n  base:\n    image: a\n    depends_on: [db]\n    volumes_from: [db]\n  web:\n    extends: base\n');
    expect(services['web']).toEqual({ image: 'a', depends_on: ['db'], volumes_from: ['db'] });
  });

  it('applies !reset and !override of the extending service', () => {
    const { services } = run('services:\n  base:\n    image: a\n    ports: ["80:80"]\n  web:\n    extends: base\n    ports: !reset []\n    image: !override b\n');
    expect(services['web']).toEqual({ image: 'b', ports: [] });
  });

  it('extends a service of another file, resolving that file\'s own extends there, and loads each file once', () => {
    const { services, errors, loads } = run(
      'services:\n  web:\n    extends: {service: app, file: common.yaml}\n    image: web\n  worker:\n    extends: {service: app, file: /p/common.yaml}\n',
      { 'common.yaml': 'services:\n  root:\n    environment: [A=1]\n  app:\n    extends: root\n    image: app\n    environment: [B=2]\n' },
    );
    expect(errors).toEqual([]);
    expect(services['web']).toEqual({ image: 'web', environment: { A: '1', B: '2' } });
    expect(services['worker']).toEqual({ image: 'app', environment: { A: '1', B: '2' } });
    expect(loads).toEqual(['/p/common.yaml']);
  });

  it('leaves a model without extends untouched', () => {
    const { result } = run('services:\n  web: {image: a}\n');
    expect(result.model).toEqual({ services: { web: { image: 'a' } } });
  });
});

describe('applyExtends: errors at the extends entry', () => {
  it('reports an undefined service, naming the file', () => {
    const { errors, services } = run('services:\n  web:\n    image: a\n    extends: base\n');
    expect(errors).toEqual(['compose.yaml:4:14 services.web.extends: service "web" extends undefined service "base" in compose.yaml']);
    expect(services['web']).toEqual({ image: 'a' });
  });

  it('reports an undefined service in another file at the service key', () => {
    const { errors } = run('services:\n  web:\n    extends:\n      file: other.yaml\n      service: nope\n', { 'other.yaml': 'services:\n  x: {}\n' });
    expect(errors).toEqual(['compose.yaml:5:16 services.web.extends.service: service "web" extends undefined service "nope" in other.yaml']);
  });

  it('reports a file that cannot be loaded', () => {
    const { errors } = run('services:\n  web:\n    extends:\n      file: missing.yaml\n      service: base\n');
    expect(errors).toEqual(['compose.yaml:4:13 services.web.extends.file: service "web" extends service "base" from missing.yaml, which could not be loaded']);
  });

  it('reports a malformed extends', () => {
    const { errors } = run('services:\n  web:\n    extends: {file: x.yaml}\n');
    expect(errors[0]).toMatch(/services\.web\.extends: extends must be a service name/);
  });

  it('reports a cycle once, and keeps the services\' own attributes', () => {
    const { errors, services } = run('services:\n  web:\n    image: w\n    extends: base\n  base:\n    user: u\n    extends: web\n');
    expect(errors).toEqual(['compose.yaml:4:14 services.web.extends: extends cycle: web → base → web']);
    expect(services).toEqual({ web: { image: 'w' }, base: { user: 'u' } });
  });

  it('reports a self-extension as a cycle', () => {
    expect(run('services:\n  web:\n    extends: web\n').errors).toEqual(['compose.yaml:3:14 services.web.extends: extends cycle: web → web']);
  });

  it('reports a cycle across files, naming the other file', () => {
    const { errors } = run('services:\n  web:\n    extends: {service: base, file: b.yaml}\n', {
      'b.yaml': 'services:\n  base:\n    extends: {service: web, file: compose.yaml}\n',
    });
    expect(errors).toEqual(['compose.yaml:3:14 services.web.extends: extends cycle: web → base (b.yaml) → web']);
  });
});

describe('applyExtends: source positions', () => {
  it('points an inherited attribute at the base file\'s line', () => {
    const { result } = run('services:\n  web:\n    extends: {service: base, file: base.yaml}\n    environment: [A=1]\n', {
      'base.yaml': 'services:\n  base:\n    restart: always\n    image: nginx\n',
    });
    const diag = new Diagnostics(result.sources);
    diag.error(['services', 'web', 'image'], 'bad image');
    expect(diag.errors.map(formatDiagnostic)).toEqual(['base.yaml:4:12 services.web.image: bad image']);
    expect(result.sources.locate(['services', 'web', 'environment', 0])).toEqual({ file: 'compose.yaml', line: 4, col: 19 });
    expect(result.sources.locate(['services', 'web'], true)).toEqual({ file: 'compose.yaml', line: 2, col: 3 });
  });

  it('re-keys list entries that were merged into a mapping to the file they came from', () => {
    const { result } = run('services:\n  web:\n    extends: {service: base, file: base.yaml}\n    environment: [B=2]\n', {
      'base.yaml': 'services:\n  base:\n    environment:\n      - A=1\n',
    });
    expect(result.model['services']).toEqual({ web: { environment: { A: '1', B: '2' } } });
    expect(result.sources.locate(['services', 'web', 'environment', 'A'])).toEqual({ file: 'base.yaml', line: 4, col: 9 });
    expect(result.sources.locate(['services', 'web', 'environment', 'B'])).toEqual({ file: 'compose.yaml', line: 4, col: 19 });
  });

  it('drops the positions of the removed extends entry', () => {
    const { result } = run('services:\n  base: {image: a}\n  web:\n    extends: base\n');
    expect(result.sources.get(['services', 'web', 'extends'])).toBeUndefined();
    expect(result.sources.locate(['services', 'web', 'image'])).toEqual({ file: 'compose.yaml', line: 2, col: 17 });
  });
});

describe('applyExtends: properties', () => {
  it('a chain of any length inherits every level\'s own attribute', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 12 }), (n) => {
        const services: RawMap = { s0: { x0: 0 } };
        for (let i = 1; i <= n; i++) services[`s${i}`] = { extends: `s${i - 1}`, [`x${i}`]: i };
        const out = applyExtends({ file: '/p/c.yaml', dir: '/p', model: { services }, sources: new SourceMap() }, { diag: new Diagnostics(), loadFile: () => undefined });
        const last = (out.model['services'] as RawMap)[`s${n}`] as RawMap;
        expect(Object.keys(last).sort()).toEqual(Array.from({ length: n + 1 }, (_, i) => `x${i}`).sort());
      }),
    );
  });
});
