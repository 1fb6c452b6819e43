import { describe, expect, it } from 'vitest';
import { Diagnostics, type ModelPath, type Pos } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { validateModel } from './validate-model.js';

function stack(fragment: RawMap, top: RawMap = {}): RawMap {
  return { services: { web: { image: 'nginx', ...fragment } }, ...top };
}

/** Errors as `path: message`, in reporting order. */
function errors(model: RawMap): string[] {
  const diag = new Diagnostics();
  validateModel(model, diag);
  expect(diag.warnings).toEqual([]);
  return diag.errors.map((d) => `${d.path}: ${d.message}`);
}

const W = 'services.web';
const DURATION = 'must be a duration like "30s" or "1m30s"';

describe('validateModel reports each bad value once, with a readable message', () => {
  const cases: [string, RawMap, string][] = [
    ['wrong type', { image: 12 }, `${W}.image: must be a string (got number 12)`],
    ['unknown service key', { imgae: 'nginx' }, `${W}.imgae: unknown key "imgae"; did you mean "image"?`],
    ['unknown key, nothing close', { frobnicate: 1 }, `${W}.frobnicate: unknown key "frobnicate"`],
    ['x-berth enum', { 'x-berth': { driver: 'podman' } }, `${W}.x-berth.driver: must be one of: docker, process (got string "podman")`],
    ['x-berth unknown key', { 'x-berth': { drvier: 'docker' } }, `${W}.x-berth.drvier: unknown key "drvier"; did you mean "driver"?`],
    ['x-berth has no extension keys', { 'x-berth': { 'x-note': 1 } }, `${W}.x-berth.x-note: unknown key "x-note"`],
    ['x-berth duration', { 'x-berth': { restart_backoff: { initial: 100 } } }, `${W}.x-berth.restart_backoff.initial: ${DURATION} (got number 100)`],
    ['x-berth backoff unknown key', { 'x-berth': { restart_backoff: { maximum: '1m' } } }, `${W}.x-berth.restart_backoff.maximum: unknown key "maximum"`],
    ['x-berth multiplier below 1', { 'x-berth': { restart_backoff: { multiplier: 0.5 } } }, `${W}.x-berth.restart_backoff.multiplier: must be at least 1 (got number 0.5)`],
    ['x-berth boolean', { 'x-berth': { keep_running_when_disconnected: 'maybe' } }, `${W}.x-berth.keep_running_when_disconnected: must be a boolean (got string "maybe")`],
    ['x-berth strategy', { 'x-berth': { placement_strategy: 'random' } }, `${W}.x-berth.placement_strategy: must be one of: spread, binpack (got string "random")`],
    ['port of the wrong type', { ports: [true] }, `${W}.ports[0]: must be a port number, a "host:container" string or a long-form mapping (got boolean true)`],
    ['malformed port string', { ports: ['80:http'] }, `${W}.ports[0]: must be a port number, a "host:container" string or a long-form mapping (got string "80:http")`],
    ['port out of range', { ports: [70000] }, `${W}.ports[0]: must be at most 65535 (got number 70000)`],
    ['port long form typo', { ports: [{ target: 80, tagret: 81 }] }, `${W}.ports[0].tagret: unknown key "tagret"; did you mean "target"?`],
    ['port protocol', { ports: [{ target: 80, protocol: 'icmp' }] }, `${W}.ports[0].protocol: must be one of: tcp, udp, sctp (got string "icmp")`],
    ['port published', { ports: [{ target: 80, published: 'eighty' }] }, `${W}.ports[0].published: must be a port or a range like "8000-8010" (got string "eighty")`],
    ['expose', { expose: ['http'] }, `${W}.expose[0]: must be a port like 3000 or a string like "3000-3005/udp" (got string "http")`],
    ['nested environment value', { environment: { A: { nested: 1 } } }, `${W}.environment.A: must be a string, a number, a boolean or null (got a mapping)`],
    ['environment as a string', { environment: 'A=1' }, `${W}.environment: must be a mapping or a list of "KEY=value" strings (got string "A=1")`],
    ['environment list item', { environment: ['A=1', 2] }, `${W}.environment[1]: must be a string (got number 2)`],
    ['depends_on condition', { depends_on: { db: { condition: 'healthy' } } }, `${W}.depends_on.db.condition: must be one of: service_started, service_healthy, service_completed_successfully (got string "healthy")`],
    ['depends_on without condition', { depends_on: { db: {} } }, `${W}.depends_on.db: missing required key "condition"`],
    ['depends_on list item', { depends_on: [1] }, `${W}.depends_on[0]: must be a string (got number 1)`],
    ['depends_on bad service name', { depends_on: { 'my db': { condition: 'service_started' } } }, `${W}.depends_on["my db"]: invalid service name "my db": only letters, digits, ".", "_" and "-" are allowed`],
    ['healthcheck test word', { healthcheck: { test: ['curl', 'x'] } }, `${W}.healthcheck.test[0]: must be one of: NONE, CMD, CMD-SHELL (got string "curl")`],
    ['healthcheck test empty', { healthcheck: { test: [] } }, `${W}.healthcheck.test: must have at least 1 item`],
    ['healthcheck interval number', { healthcheck: { interval: 30 } }, `${W}.healthcheck.interval: ${DURATION} (got number 30)`],
    ['healthcheck interval without unit', { healthcheck: { interval: '30' } }, `${W}.healthcheck.interval: ${DURATION} (got string "30")`],
    ['healthcheck retries', { healthcheck: { retries: 'three' } }, `${W}.healthcheck.retries: must be an integer (got string "three")`],
    ['healthcheck typo', { healthcheck: { intervall: '1s' } }, `${W}.healthcheck.intervall: unknown key "intervall"; did you mean "interval"?`],
    ['restart value', { restart: 'sometimes' }, `${W}.restart: must be one of: "no", always, on-failure[:max-retries], unless-stopped (got string "sometimes")`],
    ['restart YAML 1.1 false', { restart: false }, `${W}.restart: must be one of: "no", always, on-failure[:max-retries], unless-stopped (got boolean false)`],
    ['stop_grace_period', { stop_grace_period: '10' }, `${W}.stop_grace_period: ${DURATION} (got string "10")`],
    ['stop_signal', { stop_signal: 'SIG TERM' }, `${W}.stop_signal: must be a signal name like "SIGTERM" (got string "SIG TERM")`],
    ['pull_policy', { pull_policy: 'sometimes' }, `${W}.pull_policy: must be one of: always, never, build, missing, if_not_present, refresh, daily, weekly, every_<duration> (got string "sometimes")`],
    ['negative replicas', { deploy: { replicas: -1 } }, `${W}.deploy.replicas: must be at least 0 (got number -1)`],
    ['fractional replicas', { deploy: { replicas: '2.5' } }, `${W}.deploy.replicas: must be an integer (got string "2.5")`],
    ['deploy mode', { deploy: { mode: 'daemon' } }, `${W}.deploy.mode: must be one of: replicated, global, replicated-job, global-job (got string "daemon")`],
    ['deploy as a string', { deploy: 'yes' }, `${W}.deploy: must be a mapping or null (got string "yes")`],
    ['memory size', { deploy: { resources: { limits: { memory: '1 gigabyte' } } } }, `${W}.deploy.resources.limits.memory: must be a number of bytes or a size like "512m" or "1.5g" (got string "1 gigabyte")`],
    ['reservations have no pids', { deploy: { resources: { reservations: { pids: 1 } } } }, `${W}.deploy.resources.reservations.pids: unknown key "pids"`],
    ['placement constraint', { deploy: { placement: { constraints: ['zone=eu'] } } }, `${W}.deploy.placement.constraints[0]: must be a constraint like "node.labels.zone == eu" (got string "zone=eu")`],
    ['update order', { deploy: { update_config: { order: 'random' } } }, `${W}.deploy.update_config.order: must be one of: start-first, stop-first (got string "random")`],
    ['rollback cannot roll back', { deploy: { rollback_config: { failure_action: 'rollback' } } }, `${W}.deploy.rollback_config.failure_action: must be one of: continue, pause (got string "rollback")`],
    ['failure ratio', { deploy: { update_config: { max_failure_ratio: 2 } } }, `${W}.deploy.update_config.max_failure_ratio: must be at most 1 (got number 2)`],
    ['replicas at service level', { replicas: 2 }, `${W}.replicas: unknown key "replicas"`],
    ['volume without type', { volumes: [{ source: 'a', target: '/a' }] }, `${W}.volumes[0]: missing required key "type"`],
    ['volume type', { volumes: [{ type: 'nfs', target: '/a' }] }, `${W}.volumes[0].type: must be one of: bind, volume, tmpfs, cluster, npipe, image (got string "nfs")`],
    ['bind option', { volumes: [{ type: 'bind', source: '.', target: '/x', bind: { create_host_path: 'sure' } }] }, `${W}.volumes[0].bind.create_host_path: must be a boolean (got string "sure")`],
    ['empty volume string', { volumes: [''] }, `${W}.volumes[0]: must not be empty`],
    ['command', { command: 12 }, `${W}.command: must be a string or a list of strings (got number 12)`],
    ['service network option typo', { networks: { front: { alias: ['x'] } } }, `${W}.networks.front.alias: unknown key "alias"; did you mean "aliases"?`],
    ['secret mode', { secrets: [{ source: 's', mode: 'rw' }] }, `${W}.secrets[0].mode: must be a file mode like 0440 (got string "rw")`],
    ['secret entry', { secrets: [{ name: 's' }] }, `${W}.secrets[0].name: unknown key "name"`],
    ['ignored key, wrong shape', { cap_add: 'NET_ADMIN' }, `${W}.cap_add: must be a list of strings (got string "NET_ADMIN")`],
    ['ignored boolean, wrong type', { privileged: 1 }, `${W}.privileged: must be a boolean or a string (got number 1)`],
    ['duplicate profiles', { profiles: ['a', 'a'] }, `${W}.profiles: must not repeat an item (items 0 and 1 are the same)`],
    ['cpus', { cpus: 'two' }, `${W}.cpus: must be a number (got string "two")`],
    ['build of the wrong type', { build: 12 }, `${W}.build: must be a build context path or a mapping (got number 12)`],
    ['build typo', { build: { contex: '.' } }, `${W}.build.contex: unknown key "contex"; did you mean "context"?`],
    ['extends without service', { extends: { file: 'x.yml' } }, `${W}.extends: missing required key "service"`],
    ['env_file without path', { env_file: [{ required: false }] }, `${W}.env_file[0]: missing required key "path"`],
    ['env_file required', { env_file: [{ path: 'a', required: 'maybe' }] }, `${W}.env_file[0].required: must be a boolean (got string "maybe")`],
  ];

  it.each(cases)('%s', (_name, fragment, expected) => {
    expect(errors(stack(fragment))).toEqual([expected]);
  });

  const topCases: [string, RawMap, string][] = [
    ['service that is not a mapping', { services: { web: null } }, 'services.web: must be a mapping (got null)'],
    ['bad service name', { services: { 'my web': { image: 'x' } } }, 'services["my web"]: invalid service name "my web": only letters, digits, ".", "_" and "-" are allowed'],
    ['top-level typo', { servces: {} }, 'servces: unknown key "servces"; did you mean "services"?'],
    ['network external', { networks: { n: { external: 'maybe' } } }, 'networks.n.external: must be true, false or a mapping with "name" (got string "maybe")'],
    ['network typo', { networks: { n: { drivr: 'bridge' } } }, 'networks.n.drivr: unknown key "drivr"; did you mean "driver"?'],
    ['volume entry', { volumes: { data: 'local' } }, 'volumes.data: must be a mapping or null (got string "local")'],
    ['secret entry', { secrets: { s: { path: './s' } } }, 'secrets.s.path: unknown key "path"'],
    ['config content', { configs: { c: { content: 12 } } }, 'configs.c.content: must be a string (got number 12)'],
    ['include entry', { include: [{ paths: 'a.yml' }] }, 'include[0].paths: unknown key "paths"; did you mean "path"?'],
    ['name', { name: ['a'] }, 'name: must be a string (got a list)'],
  ];

  it.each(topCases)('%s', (_name, model, expected) => {
    expect(errors(model)).toEqual([expected]);
  });

  it('reports every problem of a file, each once', () => {
    const model = stack({ imgae: 'x', ports: [true, '80:80', { target: 'x' }], deploy: { replicas: 'many' } }, { volumes: { 'a b': null } });
    expect(errors(model)).toEqual([
      `${W}.imgae: unknown key "imgae"; did you mean "image"?`,
      `${W}.ports[0]: must be a port number, a "host:container" string or a long-form mapping (got boolean true)`,
      `${W}.ports[2].target: must be an integer (got string "x")`,
      `${W}.deploy.replicas: must be an integer (got string "many")`,
      'volumes["a b"]: invalid volume name "a b": only letters, digits, ".", "_" and "-" are allowed',
    ]);
  });
});

describe('where problems point', () => {
  it('points unknown keys and missing keys at the key, bad values at the value', () => {
    const asked: [string, boolean][] = [];
    const locator = {
      locate(path: ModelPath, atKey = false): Pos | undefined {
        asked.push([path.join('/'), atKey]);
        return { file: 'compose.yaml', line: asked.length, col: 1 };
      },
    };
    const diag = new Diagnostics(locator);
    validateModel(stack({ imgae: 'x', depends_on: { db: {} }, init: 'sure' }), diag);
    expect(asked).toEqual([
      ['services/web/imgae', true],
      ['services/web/depends_on/db', true],
      ['services/web/init', false],
    ]);
    expect(diag.errors.map((d) => d.pos?.line)).toEqual([1, 2, 3]);
  });
});
