import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { Diagnostics, type ModelPath, type Pos } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { IGNORED_KEY_MESSAGE, OBSOLETE_VERSION_MESSAGE, reportIgnoredKeys } from './report-ignored.js';
import { checkModel } from './validate-model.js';

function warnings(model: RawMap): string[] {
  const diag = new Diagnostics();
  reportIgnoredKeys(model, diag);
  expect(diag.errors).toEqual([]);
  return diag.warnings.map((w) => `${w.path}: ${w.message}`);
}

const stack = (web: RawMap, top: RawMap = {}): RawMap => ({ services: { web: { image: 'nginx', ...web } }, ...top });
const I = IGNORED_KEY_MESSAGE;

describe('reportIgnoredKeys', () => {
  const cases: [string, RawMap, string[]][] = [
    ['a service key', stack({ privileged: true }), [`services.web.privileged: ${I}`]],
    ['a build key', stack({ build: { context: '.', ssh: ['default'] } }), [`services.web.build.ssh: ${I}`]],
    ['long-form port keys', stack({ ports: [{ target: 80, name: 'web', app_protocol: 'http' }] }), [`services.web.ports[0].name: ${I}`, `services.web.ports[0].app_protocol: ${I}`]],
    ['mount options', stack({ volumes: [{ type: 'bind', source: '.', target: '/x', bind: { propagation: 'shared', create_host_path: true } }] }), [`services.web.volumes[0].bind.propagation: ${I}`]],
    ['service network options', stack({ networks: { front: { aliases: ['a'], interface_name: 'eth0' } } }), [`services.web.networks.front.interface_name: ${I}`]],
    ['deploy keys', stack({ deploy: { endpoint_mode: 'dnsrr', resources: { reservations: { devices: [{ capabilities: ['gpu'] }] } } } }), [`services.web.deploy.endpoint_mode: ${I}`, `services.web.deploy.resources.reservations.devices: ${I}`]],
    ['top-level entries', { networks: { n: { ipam: {} } }, secrets: { s: { file: 'f', labels: ['a=b'] } }, models: { m: { model: 'x' } } }, [`networks.n.ipam: ${I}`, `secrets.s.labels: ${I}`, `models: ${I}`]],
    ['the obsolete version', { version: '3.8', services: {} }, [`version: ${OBSOLETE_VERSION_MESSAGE}`]],
    ['ignored values', stack({ pull_policy: 'daily', deploy: { mode: 'replicated-job' }, volumes: [{ type: 'image', source: 'alpine', target: '/i' }] }), [
      'services.web.pull_policy: ignored: berth does not act on pull_policy "daily" yet',
      'services.web.deploy.mode: ignored: berth does not act on mode "replicated-job" yet',
      'services.web.volumes[0].type: ignored: berth does not act on type "image" yet',
    ]],
    ['a prefix ignored value', stack({ pull_policy: 'every_2h' }), ['services.web.pull_policy: ignored: berth does not act on pull_policy "every_2h" yet']],
    ['a service whose name starts with x-', { services: { 'x-web': { image: 'x', tty: true } } }, [`services.x-web.tty: ${I}`]],
    ['nothing inside an ignored key, once per key', stack({ logging: { driver: 'syslog', options: { a: 1 } }, develop: { watch: [{ path: '.', action: 'rebuild' }] } }), [`services.web.logging: ${I}`, `services.web.develop: ${I}`]],
  ];

  it.each(cases)('warns for %s', (_name, model, expected) => {
    expect(warnings(model)).toEqual(expected);
  });

  it.each([
    ['supported keys', stack({ ports: ['80:80', 81], networks: ['a'], depends_on: ['db'], build: '.', healthcheck: { test: 'true' }, pull_policy: 'always' })],
    ['extension keys anywhere', { 'x-common': { privileged: true }, services: { web: { image: 'x', 'x-meta': { tty: true }, ports: [{ target: 1, 'x-n': 1 }] } } }],
    ['unknown keys (the schema reports those)', stack({ privilegd: true, deploy: { replica: 1 } })],
    ['x-berth', stack({ 'x-berth': { driver: 'process' } })],
  ])('stays quiet about %s', (_name, model) => {
    expect(warnings(model)).toEqual([]);
  });

  it('points at the key', () => {
    const asked: [string, boolean][] = [];
    const locator = {
      locate(path: ModelPath, atKey = false): Pos | undefined {
        asked.push([path.join('/'), atKey]);
        return undefined;
      },
    };
    reportIgnoredKeys(stack({ tty: true }), new Diagnostics(locator));
    expect(asked).toEqual([['services/web/tty', true]]);
  });

  it('warns for what a realistic file does not get from berth, and validates it', () => {
    const model = parse(`
version: "3.9"
services:
  app:
    image: app
    container_name: app
    ports: ["80:80"]
    logging: { driver: json-file }
    cap_add: [NET_ADMIN]
    deploy: { replicas: 2, resources: { limits: { memory: 256m } } }
  db:
    image: postgres
    network_mode: host
`) as RawMap;
    expect(checkModel(model).problems).toEqual([]);
    expect(warnings(model)).toEqual([
      `version: ${OBSOLETE_VERSION_MESSAGE}`,
      `services.app.container_name: ${I}`,
      `services.app.logging: ${I}`,
      `services.app.cap_add: ${I}`,
      `services.db.network_mode: ${I}`,
    ]);
  });
});
