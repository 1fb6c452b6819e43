/**
 * Schema of one service: precise shapes for the keys berth acts on (every short and long
 * Compose syntax), Compose's shapes for the keys it ignores (see support.ts).
 */
import { BUILD_SCHEMA } from './build-schema.js';
import { DEPLOY_SCHEMA } from './deploy-schema.js';
import { IGNORED_SERVICE_KEYS } from './ignored-shapes.js';
import {
  bool,
  command,
  duration,
  EXPOSE_PATTERN,
  fileRefs,
  int,
  listOfStrings,
  listOrDict,
  mapping,
  NAME_PATTERN,
  nameMap,
  num,
  oneOf,
  PORT_PATTERN,
  size,
  str,
  stringOrList,
  type Shape,
} from './schema-shapes.js';
import { X_BERTH_SCHEMA } from './x-berth-schema.js';

const PORTS: Shape = {
  type: 'array',
  uniqueItems: true,
  items: {
    ...mapping({
      target: int({ minimum: 1, maximum: 65535 }),
      published: {
        type: ['integer', 'string'],
        minimum: 0,
        maximum: 65535,
        // Empty is what `published: ${PORT:-}` leaves: no host port.
        pattern: '^(?:\\d{1,5}(?:-\\d{1,5})?)?$',
        expected: 'a port or a range like "8000-8010"',
      },
      host_ip: str(),
      protocol: oneOf(['tcp', 'udp', 'sctp']),
      mode: oneOf(['host', 'ingress']),
      name: str(),
      app_protocol: str(),
    }),
    type: ['integer', 'string', 'object'],
    minimum: 1,
    maximum: 65535,
    pattern: PORT_PATTERN,
    expected: 'a port number, a "host:container" string or a long-form mapping',
  },
};

const EXPOSE: Shape = {
  type: 'array',
  uniqueItems: true,
  items: {
    type: ['integer', 'string'],
    minimum: 1,
    maximum: 65535,
    pattern: EXPOSE_PATTERN,
    expected: 'a port like 3000 or a string like "3000-3005/udp"',
  },
};

const VOLUME_MOUNTS: Shape = {
  type: 'array',
  uniqueItems: true,
  items: {
    ...mapping(
      {
        type: oneOf(['bind', 'volume', 'tmpfs', 'cluster', 'npipe', 'image']),
        source: str(),
        target: str(),
        read_only: bool(),
        consistency: str(),
        bind: mapping({
          propagation: str(),
          create_host_path: bool(),
          recursive: oneOf(['enabled', 'disabled', 'writable', 'readonly']),
          selinux: oneOf(['z', 'Z']),
        }),
        volume: mapping({ labels: listOrDict(), nocopy: bool(), subpath: str() }),
        tmpfs: mapping({
          size: size(),
          mode: {
            type: ['integer', 'string'],
            minimum: 0,
            pattern: '^(?:0[oO])?[0-7]+$',
            expected: 'a file mode like 1777',
          },
        }),
        image: mapping({ subpath: str() }),
      },
      { required: ['type'] },
    ),
    type: ['string', 'object'],
    minLength: 1,
    expected: 'a "source:target[:mode]" string or a long-form mapping',
  },
};

const SERVICE_NETWORKS: Shape = {
  type: ['array', 'object'],
  items: { type: 'string' },
  uniqueItems: true,
  patternProperties: {
    [NAME_PATTERN]: {
      ...mapping({
        aliases: listOfStrings(),
        ipv4_address: str(),
        ipv6_address: str(),
        interface_name: str(),
        link_local_ips: listOfStrings(),
        mac_address: str(),
        driver_opts: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
        priority: num(),
        gw_priority: num(),
      }),
      type: ['object', 'null'],
    },
  },
  additionalProperties: false,
  keyKind: 'network name',
  expected: 'a list of network names or a mapping',
};

const DEPENDS_ON: Shape = {
  type: ['array', 'object'],
  items: { type: 'string' },
  uniqueItems: true,
  patternProperties: {
    [NAME_PATTERN]: mapping(
      {
        condition: oneOf(['service_started', 'service_healthy', 'service_completed_successfully']),
        restart: bool(),
        required: bool(),
      },
      { required: ['condition'] },
    ),
  },
  additionalProperties: false,
  keyKind: 'service name',
  expected: 'a list of service names or a mapping',
};

const HEALTHCHECK: Shape = mapping({
  test: {
    type: ['string', 'array'],
    minItems: 1,
    items: [oneOf(['NONE', 'CMD', 'CMD-SHELL'])],
    additionalItems: { type: 'string' },
    expected: 'a shell command string or a list starting with "CMD", "CMD-SHELL" or "NONE"',
  },
  interval: duration(),
  timeout: duration(),
  retries: int({ minimum: 0 }),
  start_period: duration(),
  start_interval: duration(),
  disable: bool(),
});

const ENV_FILE: Shape = {
  type: ['string', 'array'],
  items: {
    ...mapping({ path: str(), format: str(), required: bool() }, { required: ['path'], extensions: false }),
    type: ['string', 'object'],
    expected: 'a path or a mapping with "path"',
  },
  expected: 'a path or a list of paths',
};

const EXTENDS: Shape = {
  ...mapping({ service: str(), file: str() }, { required: ['service'], extensions: false }),
  type: ['string', 'object'],
  expected: 'a service name or a mapping with "service"',
};

/** One entry of `services`. */
export const SERVICE_SCHEMA: Shape = mapping({
  image: str(),
  build: BUILD_SCHEMA,
  pull_policy: str({
    pattern: '^(?:always|never|build|if_not_present|missing|refresh|daily|weekly|every_(?:\\d+[wdhms])+)$',
    expected: 'one of: always, never, build, missing, if_not_present, refresh, daily, weekly, every_<duration>',
  }),
  command: command(),
  entrypoint: command(),
  working_dir: str(),
  user: str(),
  environment: listOrDict(),
  env_file: ENV_FILE,
  ports: PORTS,
  expose: EXPOSE,
  volumes: VOLUME_MOUNTS,
  tmpfs: stringOrList(),
  networks: SERVICE_NETWORKS,
  depends_on: DEPENDS_ON,
  healthcheck: HEALTHCHECK,
  restart: str({
    pattern: '^(?:no|always|unless-stopped|on-failure(?::\\d+)?)$',
    expected: 'one of: "no", always, on-failure[:max-retries], unless-stopped',
  }),
  stop_signal: str({
    pattern: '^(?:[A-Za-z][A-Za-z0-9]*(?:[+-]\\d+)?|\\d+)$',
    expected: 'a signal name like "SIGTERM"',
  }),
  stop_grace_period: duration(),
  init: bool(),
  labels: listOrDict(),
  profiles: listOfStrings(),
  secrets: fileRefs(),
  configs: fileRefs(),
  cpus: num({ minimum: 0 }),
  mem_limit: size(),
  mem_reservation: size(),
  scale: int({ minimum: 0 }),
  extends: EXTENDS,
  deploy: DEPLOY_SCHEMA,
  'x-berth': X_BERTH_SCHEMA,
  ...IGNORED_SERVICE_KEYS,
});

/** The top-level `services` mapping. */
export const SERVICES_SCHEMA: Shape = nameMap(SERVICE_SCHEMA, 'service name');
