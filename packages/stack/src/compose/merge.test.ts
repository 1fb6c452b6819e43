import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatDiagnostic, type ModelPath } from '../diagnostics.js';
import type { LoadedModel } from '../loaded-model.js';
import { MergeTag, isRawMap, type RawMap, type RawValue } from '../raw-model.js';
import { SourceMap } from '../source-map.js';
import { parseStackText } from '../yaml-source.js';
import { mergeModels, mergeService, stripMergeTags } from './merge.js';
import { SourceTree } from './source-tree.js';

function load(name: string, text: string): LoadedModel {
  const r = parseStackText(text, `/p/${name}`, name);
  if (!r.loaded) throw new Error(r.diagnostics.map(formatDiagnostic).join('\n'));
  return r.loaded;
}

function merged(base: string, override: string): RawMap {
  return mergeModels(load('a.yaml', base), load('b.yaml', override)).model;
}

function web(model: RawMap): unknown {
  return (model['services'] as RawMap)['web'];
}

describe('mergeModels: the Compose merge rules', () => {
  const cases: { name: string; base: string; override: string; web: unknown }[] = [
    {
      name: 'mappings merge, scalars are replaced (spec example)',
      base: 'services:\n  web:\n    key1: value1\n    key2: value2\n',
      override: 'services:\n  web:\n    key2: VALUE\n    key3: value3\n',
      web: { key1: 'value1', key2: 'VALUE', key3: 'value3' },
    },
    {
      name: 'plain sequences are appended',
      base: 'services:\n  web:\n    volumes_from: [a]\n    group_add: [x]\n',
      override: 'services:\n  web:\n    volumes_from: [b, a]\n    group_add: [y]\n',
      web: { volumes_from: ['a', 'b', 'a'], group_add: ['x', 'y'] },
    },
    {
      name: 'command, entrypoint and healthcheck.test are replaced, the rest of healthcheck merges',
      base: 'services:\n  web:\n    command: [echo, foo]\n    entrypoint: [sh, -c]\n    healthcheck: {test: [CMD, a], interval: 5s}\n',
      override: 'services:\n  web:\n    command: [echo, bar]\n    entrypoint: [bash]\n    healthcheck: {test: [CMD, b]}\n',
      web: { command: ['echo', 'bar'], entrypoint: ['bash'], healthcheck: { test: ['CMD', 'b'], interval: '5s' } },
    },
    {
      name: 'environment merges by key across the list and mapping syntaxes',
      base: 'services:\n  web:\n    environment:\n      - A=1\n      - B=2\n      - HOSTVAR\n',
      override: 'services:\n  web:\n    environment:\n      B: "3"\n      C: 4\n',
      web: { environment: { A: '1', B: '3', HOSTVAR: null, C: 4 } },
    },
    {
      name: 'labels, sysctls and build.args merge by key',
      base: 'services:\n  web:\n    labels: [a.b=1, flag]\n    sysctls: {net.x: 1}\n    build: {context: ., args: [V=1, W]}\n',
      override: 'services:\n  web:\n    labels: {a.b: "2"}\n    sysctls: [net.y=2]\n    build: {args: {W: w}}\n',
      web: { labels: { 'a.b': '2', flag: '' }, sysctls: { 'net.x': 1, 'net.y': '2' }, build: { context: '.', args: { V: '1', W: 'w' } } },
    },
    {
      name: 'extra_hosts merge by host name (= or : separator)',
      base: 'services:\n  web:\n    extra_hosts: ["a=1.1.1.1", "b:::1", "a=2.2.2.2"]\n',
      override: 'services:\n  web:\n    extra_hosts: {b: "10.0.0.1", c: "10.0.0.2"}\n',
      web: { extra_hosts: { a: ['1.1.1.1', '2.2.2.2'], b: '10.0.0.1', c: '10.0.0.2' } },
    },
    {
      name: 'ports merge by {ip, target, published, protocol}',
      base: 'services:\n  web:\n    ports: ["8080:80", "53:53/udp", 9000]\n',
      override:
        'services:\n  web:\n    ports:\n      - "0.0.0.0:8080:80"\n      - "53:53"\n      - {target: 9000, protocol: tcp}\n      - "127.0.0.1:8443:443"\n',
      web: { ports: ['0.0.0.0:8080:80', '53:53/udp', { target: 9000, protocol: 'tcp' }, '53:53', '127.0.0.1:8443:443'] },
    },
    {
      name: 'volumes merge by target (spec example) and long forms merge',
      base: 'services:\n  web:\n    volumes:\n      - foo:/work\n      - {type: volume, source: v, target: /v, read_only: true}\n',
      override: 'services:\n  web:\n    volumes:\n      - bar:/work\n      - {type: volume, source: v, target: /v, volume: {nocopy: true}}\n      - /anon\n',
      web: {
        volumes: ['bar:/work', { type: 'volume', source: 'v', target: '/v', read_only: true, volume: { nocopy: true } }, '/anon'],
      },
    },
    {
      name: 'devices merge by container path',
      base: 'services:\n  web:\n    devices: ["/dev/a:/dev/x", "/dev/b"]\n',
      override: 'services:\n  web:\n    devices: ["/dev/c:/dev/x:r", "vendor.com/gpu=all"]\n',
      web: { devices: ['/dev/c:/dev/x:r', '/dev/b', 'vendor.com/gpu=all'] },
    },
    {
      name: 'secrets and configs merge by target (short names mount at their default place)',
      base: 'services:\n  web:\n    secrets: [s1, {source: s2, target: /etc/s2}]\n    configs: [c1]\n',
      override: 'services:\n  web:\n    secrets: [{source: s1, mode: 0400}, {source: other, target: /etc/s2}]\n    configs: [{source: c9, target: /c1}]\n',
      web: { secrets: [{ source: 's1', mode: 256 }, { source: 'other', target: '/etc/s2' }], configs: [{ source: 'c9', target: '/c1' }] },
    },
    {
      name: 'networks merge by name across list and mapping syntaxes; aliases de-duplicate',
      base: 'services:\n  web:\n    networks:\n      front:\n        aliases: [w]\n      back:\n',
      override: 'services:\n  web:\n    networks:\n      - front\n      - extra\n',
      web: { networks: { front: { aliases: ['w'] }, back: null, extra: null } },
    },
    {
      name: 'network settings merge and aliases de-duplicate',
      base: 'services:\n  web:\n    networks: {front: {aliases: [w, x]}}\n',
      override: 'services:\n  web:\n    networks: {front: {aliases: [x, y], priority: 2}}\n',
      web: { networks: { front: { aliases: ['w', 'x', 'y'], priority: 2 } } },
    },
    {
      name: 'depends_on list and mapping unify into a mapping',
      base: 'services:\n  web:\n    depends_on: [db, cache]\n',
      override: 'services:\n  web:\n    depends_on:\n      db: {condition: service_healthy}\n      queue: {condition: service_started, required: false}\n',
      web: {
        depends_on: {
          db: { condition: 'service_healthy', required: true },
          cache: { condition: 'service_started', required: true },
          queue: { condition: 'service_started', required: false },
        },
      },
    },
    {
      name: 'a de-duplicating sequence keeps one of each (cap_add, expose)',
      base: 'services:\n  web:\n    cap_add: [NET_ADMIN, SYS_TIME]\n    expose: [3000, "4000"]\n',
      override: 'services:\n  web:\n    cap_add: [SYS_TIME, CHOWN]\n    expose: ["3000", 5000]\n',
      web: { cap_add: ['NET_ADMIN', 'SYS_TIME', 'CHOWN'], expose: ['3000', '4000', 5000] },
    },
    {
      name: 'dns, tmpfs and env_file accept a single string',
      base: 'services:\n  web:\n    dns: 1.1.1.1\n    tmpfs: [/run]\n    env_file: a.env\n',
      override: 'services:\n  web:\n    dns: [8.8.8.8, 1.1.1.1]\n    tmpfs: /tmp\n    env_file: [{path: a.env, required: false}, b.env]\n',
      web: { dns: ['1.1.1.1', '8.8.8.8'], tmpfs: ['/run', '/tmp'], env_file: [{ path: 'a.env', required: false }, 'b.env'] },
    },
    {
      name: 'build as a string merges with build as a mapping',
      base: 'services:\n  web:\n    build: ./app\n',
      override: 'services:\n  web:\n    build: {dockerfile: Dockerfile.dev}\n',
      web: { build: { context: './app', dockerfile: 'Dockerfile.dev' } },
    },
    {
      name: 'logging options merge only for the same driver',
      base: 'services:\n  web:\n    logging: {driver: syslog, options: {a: "1"}}\n',
      override: 'services:\n  web:\n    logging: {driver: json-file, options: {b: "2"}}\n',
      web: { logging: { driver: 'json-file', options: { b: '2' } } },
    },
    {
      name: 'logging options merge when the driver is the same or unset',
      base: 'services:\n  web:\n    logging: {driver: syslog, options: {a: "1"}}\n',
      override: 'services:\n  web:\n    logging: {options: {b: "2"}}\n',
      web: { logging: { driver: 'syslog', options: { a: '1', b: '2' } } },
    },
    {
      name: '!reset removes the inherited value (spec example)',
      base: 'services:\n  web:\n    image: myapp\n    ports: ["8080:80"]\n    environment:\n      FOO: BAR\n',
      override: 'services:\n  web:\n    image: myapp\n    ports: !reset []\n    environment:\n      FOO: !reset null\n',
      web: { image: 'myapp', ports: [], environment: {} },
    },
    {
      name: '!reset null drops the key, !reset {} empties it',
      base: 'services:\n  web:\n    image: a\n    user: root\n    labels: {a: "1"}\n',
      override: 'services:\n  web:\n    user: !reset null\n    labels: !reset {}\n',
      web: { image: 'a', labels: {} },
    },
    {
      name: '!override replaces instead of merging (spec example)',
      base: 'services:\n  web:\n    image: myapp\n    ports: ["8080:80"]\n    environment: {A: "1"}\n',
      override: 'services:\n  web:\n    ports: !override ["8443:443"]\n    environment: !override {B: "2"}\n',
      web: { image: 'myapp', ports: ['8443:443'], environment: { B: '2' } },
    },
    {
      name: 'a null list or mapping in the override keeps the base value',
      base: 'services:\n  web:\n    networks: [front]\n    ports: ["80:80"]\n',
      override: 'services:\n  web:\n    networks:\n    ports:\n',
      web: { networks: ['front'], ports: ['80:80'] },
    },
    {
      name: 'extension fields are replaced as a whole',
      base: 'services:\n  web:\n    x-meta: {a: 1, b: 2}\n',
      override: 'services:\n  web:\n    x-meta: {c: 3}\n',
      web: { 'x-meta': { c: 3 } },
    },
  ];
  it.each(cases)('$name', ({ base, override, web: expected }) => {
    expect(web(merged(base, override))).toEqual(expected);
  });

  it('adds services and top-level resources, merging those in both files', () => {
    const m = merged(
      'name: one\nservices:\n  web: {image: a}\nnetworks:\n  front: {labels: [a=1]}\n',
      'name: two\nservices:\n  db: {image: pg}\nnetworks:\n  front: {labels: {b: "2"}}\n  back: {}\nvolumes:\n  data: {}\n',
    );
    expect(m).toEqual({
      name: 'two',
      services: { web: { image: 'a' }, db: { image: 'pg' } },
      networks: { front: { labels: { a: '1', b: '2' } }, back: {} },
      volumes: { data: {} },
    });
  });

  it('merges IPAM pools by subnet', () => {
    const m = merged(
      'networks:\n  n:\n    ipam:\n      config:\n        - {subnet: 10.0.0.0/24, gateway: 10.0.0.1}\n',
      'networks:\n  n:\n    ipam:\n      config:\n        - {subnet: 10.0.0.0/24, ip_range: 10.0.0.0/25}\n        - {subnet: 10.1.0.0/24}\n',
    );
    expect((m['networks'] as RawMap)['n']).toEqual({
      ipam: { config: [{ subnet: '10.0.0.0/24', gateway: '10.0.0.1', ip_range: '10.0.0.0/25' }, { subnet: '10.1.0.0/24' }] },
    });
  });

  it('leaves no merge tag in the result, also where the base file has tags', () => {
    const m = merged('services:\n  web:\n    ports: !reset [1]\n    user: !reset null\n', 'services:\n  db:\n    image: !override pg\n');
    expect(m).toEqual({ services: { web: { ports: [] }, db: { image: 'pg' } } });
    expect(hasTag(m)).toBe(false);
  });

  it('keeps the base file and directory', () => {
    const r = mergeModels(load('a.yaml', 'services: {}\n'), load('b.yaml', 'services: {}\n'));
    expect([r.file, r.dir]).toEqual(['/p/a.yaml', '/p']);
  });

  it('does not change its inputs', () => {
    const a = load('a.yaml', 'services:\n  web:\n    environment: [A=1]\n    ports: ["80:80"]\n');
    const b = load('b.yaml', 'services:\n  web:\n    environment: {B: "2"}\n    ports: ["81:81"]\n');
    const before = JSON.stringify([a.model, b.model]);
    mergeModels(a, b);
    expect(JSON.stringify([a.model, b.model])).toBe(before);
  });
});

describe('mergeModels: source positions follow the values', () => {
  const a = load('a.yaml', 'services:\n  web:\n    image: a\n    environment:\n      - FOO=1\n    ports:\n      - "80:80"\n');
  const b = load('b.yaml', 'services:\n  web:\n    image: b\n    environment: {BAR: "2"}\n    ports:\n      - "81:81"\n');
  const m = mergeModels(a, b);
  const at = (p: ModelPath) => m.sources.locate(p);

  it('points a replaced scalar at the override', () => {
    expect(at(['services', 'web', 'image'])).toEqual({ file: 'b.yaml', line: 3, col: 12 });
  });

  it('re-keys a KEY=VALUE list entry to its mapping key', () => {
    expect(at(['services', 'web', 'environment', 'FOO'])).toEqual({ file: 'a.yaml', line: 5, col: 9 });
    expect(at(['services', 'web', 'environment', 'BAR'])).toEqual({ file: 'b.yaml', line: 4, col: 24 });
  });

  it('re-indexes appended list entries', () => {
    expect(at(['services', 'web', 'ports', 0])).toEqual({ file: 'a.yaml', line: 7, col: 9 });
    expect(at(['services', 'web', 'ports', 1])).toEqual({ file: 'b.yaml', line: 6, col: 9 });
  });

  it('keeps the root at the base file', () => {
    expect(at([])?.file).toBe('a.yaml');
  });

  it('drops positions of replaced subtrees', () => {
    const r = mergeModels(
      load('a.yaml', 'services:\n  web:\n    healthcheck:\n      test: [CMD, a, b, c]\n'),
      load('b.yaml', 'services:\n  web:\n    healthcheck:\n      test: [CMD]\n'),
    );
    expect(r.sources.get(['services', 'web', 'healthcheck', 'test', 3])).toBeUndefined();
    expect(r.sources.locate(['services', 'web', 'healthcheck', 'test', 0])?.file).toBe('b.yaml');
  });
});

describe('stripMergeTags', () => {
  const cases: { name: string; yaml: string; expected: unknown }[] = [
    { name: '!reset yields the empty value of its type', yaml: 'a: !reset []\nb: !reset {}\nc: !reset [1]\n', expected: { a: [], b: {}, c: [] } },
    { name: '!reset of a scalar drops the key', yaml: 'a: !reset null\nb: 1\nc: !reset x\n', expected: { b: 1 } },
    { name: '!override yields its value', yaml: 'a: !override {x: 1}\nb: !override [1]\n', expected: { a: { x: 1 }, b: [1] } },
    { name: 'tags in lists are unwrapped in place', yaml: 'a: [!override x, y]\n', expected: { a: ['x', 'y'] } },
  ];
  it.each(cases)('$name', ({ yaml, expected }) => {
    expect(stripMergeTags(load('s.yaml', yaml).model)).toEqual(expected);
  });
});

describe('mergeService', () => {
  it('applies the service rules and records positions where asked', () => {
    const base = load('base.yaml', 'services:\n  base:\n    image: a\n    environment: [A=1]\n');
    const over = load('web.yaml', 'services:\n  web:\n    environment: [B=2]\n');
    const target = new SourceMap();
    const svc = (m: LoadedModel, n: string) => (m.model['services'] as RawMap)[n] as RawMap;
    const out = mergeService(svc(base, 'base'), svc(over, 'web'), {
      base: { tree: SourceTree.from(base.sources), path: ['services', 'base'] },
      override: { tree: SourceTree.from(over.sources), path: ['services', 'web'] },
      target,
      at: ['services', 'web'],
    });
    expect(out).toEqual({ image: 'a', environment: { A: '1', B: '2' } });
    expect(target.locate(['services', 'web', 'image'])).toEqual({ file: 'base.yaml', line: 3, col: 12 });
    expect(target.locate(['services', 'web', 'environment', 'B'])?.file).toBe('web.yaml');
  });

  it('works without positions', () => {
    expect(mergeService({ command: ['a'], dns: ['1'] }, { command: ['b'], dns: '2' })).toEqual({ command: ['b'], dns: ['1', '2'] });
  });
});

// ---- properties ----

function hasTag(v: RawValue): boolean {
  if (v instanceof MergeTag) return true;
  if (Array.isArray(v)) return v.some(hasTag);
  if (isRawMap(v)) return Object.values(v).some(hasTag);
  return false;
}

const keys = fc.constantFrom('services', 'web', 'db', 'image', 'ports', 'environment', 'command', 'networks', 'depends_on', 'labels', 'x-e', 'a');
const scalar = fc.oneof(fc.string({ maxLength: 6 }), fc.integer({ min: -5, max: 5 }), fc.boolean(), fc.constant(null));
const { value: anyValue } = fc.letrec<{ value: RawValue }>((tie) => ({
  value: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    scalar,
    fc.array(tie('value'), { maxLength: 3 }),
    fc.dictionary(keys, tie('value'), { maxKeys: 4 }),
    fc.tuple(fc.constantFrom('!reset' as const, '!override' as const), tie('value')).map(([t, v]) => new MergeTag(t, v)),
  ),
}));
const anyModel = fc.dictionary(keys, anyValue, { maxKeys: 4 });
/** Maps of scalars where a key's kind is fixed (`m*` keys hold maps, `s*` keys scalars), as in a real model. */
function scalarTree(depth: number): fc.Arbitrary<RawMap> {
  const sub: fc.Arbitrary<RawMap> = depth === 0 ? fc.constant({}) : scalarTree(depth - 1);
  return fc.record({ m1: sub, m2: sub, s1: scalar, s2: scalar }, { requiredKeys: [] }).map((r) => r as RawMap);
}
const scalarModel = scalarTree(2);

const bare = (model: RawMap, file = 'x.yaml'): LoadedModel => ({ file, dir: '/', model, sources: new SourceMap() });
const plain = (v: unknown): unknown => JSON.parse(JSON.stringify(v));

describe('merge properties', () => {
  it('merging with an empty model on either side is stripping the tags', () => {
    fc.assert(
      fc.property(anyModel, (m) => {
        const expected = plain(stripMergeTags(m));
        expect(plain(mergeModels(bare({}), bare(m)).model)).toEqual(expected);
        expect(plain(mergeModels(bare(m), bare({})).model)).toEqual(expected);
      }),
    );
  });

  it('never leaves a merge tag behind', () => {
    fc.assert(fc.property(anyModel, anyModel, (a, b) => !hasTag(mergeModels(bare(a), bare(b)).model)));
  });

  it('is associative for nested maps of scalars', () => {
    fc.assert(
      fc.property(scalarModel, scalarModel, scalarModel, (a, b, c) => {
        const left = mergeModels(mergeModels(bare(a), bare(b)), bare(c)).model;
        const right = mergeModels(bare(a), mergeModels(bare(b), bare(c))).model;
        expect(plain(left)).toEqual(plain(right));
      }),
    );
  });

  it('points every leaf at the file its value came from', () => {
    fc.assert(
      fc.property(scalarModel, scalarModel, (a, b) => {
        const m = mergeModels(withPositions(a, 'a.yaml'), withPositions(b, 'b.yaml'));
        for (const [path, value] of leaves(m.model)) {
          const fromB = lookup(b, path);
          const expected = fromB !== undefined && !(isRawMap(fromB) && isRawMap(lookup(a, path))) ? 'b.yaml' : 'a.yaml';
          if (!isRawMap(value)) expect(m.sources.locate(path)?.file).toBe(expected);
        }
      }),
    );
  });
});

function withPositions(model: RawMap, file: string): LoadedModel {
  const sources = new SourceMap();
  let line = 1;
  sources.set([], { value: { file, line: line++, col: 1 } });
  for (const [path] of leaves(model)) sources.set(path, { value: { file, line: line++, col: 1 } });
  return { file, dir: '/', model, sources };
}

/** Every node below the root, with its path. */
function leaves(v: RawValue, at: (string | number)[] = []): [ModelPath, RawValue][] {
  if (!isRawMap(v)) return [];
  return Object.keys(v).flatMap((k) => [[[...at, k], v[k] as RawValue] as [ModelPath, RawValue], ...leaves(v[k] as RawValue, [...at, k])]);
}

function lookup(v: RawValue, path: ModelPath): RawValue | undefined {
  let cur: RawValue | undefined = v;
  for (const seg of path) {
    if (!isRawMap(cur) || typeof seg !== 'string' || !Object.prototype.hasOwnProperty.call(cur, seg)) return undefined;
    cur = cur[seg];
  }
  return cur;
}
