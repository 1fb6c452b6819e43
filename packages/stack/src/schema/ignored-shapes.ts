/**
 * Shapes of the Compose keys berth accepts but does not act on. They follow the Compose
 * Specification's own schema (same JSON types, `string` allowed wherever Compose allows it),
 * so a wrongly shaped ignored key is still an error rather than a silent surprise.
 */
import {
  anyOfTypes,
  bool,
  command,
  int,
  listOfStrings,
  listOrDict,
  mapping,
  oneOf,
  str,
  stringOrList,
  EXTENSION_PATTERN,
  type Shape,
} from './schema-shapes.js';

/** `extra_hosts`: `{host: ip | [ip]}` or `["host:ip"]`. */
export const EXTRA_HOSTS: Shape = {
  type: ['object', 'array'],
  additionalProperties: { type: ['string', 'array'], items: { type: 'string' } },
  items: { type: 'string' },
  uniqueItems: true,
  expected: 'a mapping of host names to addresses or a list of "host:address" strings',
};

/** `ulimits`: `{nofile: 1024}` or `{nofile: {soft, hard}}`. */
export const ULIMITS: Shape = {
  type: 'object',
  patternProperties: {
    '^[a-z]+$': {
      type: ['integer', 'string', 'object'],
      properties: { hard: anyOfTypes('integer', 'string'), soft: anyOfTypes('integer', 'string') },
      required: ['soft', 'hard'],
      additionalProperties: false,
      patternProperties: { [EXTENSION_PATTERN]: {} },
      expected: 'a number or a mapping with "soft" and "hard"',
    },
  },
};

const HOOK_KEYS: Record<string, Shape> = {
  command: command(),
  user: str(),
  privileged: anyOfTypes('boolean', 'string'),
  working_dir: str(),
  environment: listOrDict(),
};

const SERVICE_HOOK: Shape = mapping(HOOK_KEYS, { required: ['command'] });

const HOOKS: Shape = { type: 'array', items: SERVICE_HOOK };

// pre_start hooks run in a container of their own, optionally of another image; docker
// compose accepts `image` there although the published schema does not know pre_start yet.
const PRE_START_HOOKS: Shape = {
  type: 'array',
  items: mapping({ ...HOOK_KEYS, image: str() }, { required: ['command'] }),
};

const DEVELOP: Shape = {
  ...mapping({
    watch: {
      type: 'array',
      items: mapping(
        {
          ignore: stringOrList(),
          include: stringOrList(),
          path: str(),
          action: oneOf(['rebuild', 'sync', 'restart', 'sync+restart', 'sync+exec']),
          target: str(),
          exec: SERVICE_HOOK,
          initial_sync: bool(),
        },
        { required: ['path', 'action'] },
      ),
    },
  }),
  type: ['object', 'null'],
};

const BLKIO_LIMITS: Shape = {
  type: 'array',
  items: mapping({ path: str(), rate: anyOfTypes('integer', 'string') }, { extensions: false }),
};

const BLKIO_CONFIG: Shape = mapping(
  {
    device_read_bps: BLKIO_LIMITS,
    device_read_iops: BLKIO_LIMITS,
    device_write_bps: BLKIO_LIMITS,
    device_write_iops: BLKIO_LIMITS,
    weight: anyOfTypes('integer', 'string'),
    weight_device: {
      type: 'array',
      items: mapping({ path: str(), weight: anyOfTypes('integer', 'string') }, { extensions: false }),
    },
  },
  { extensions: false },
);

const DEVICE_REQUEST = {
  capabilities: listOfStrings(),
  count: anyOfTypes('string', 'integer'),
  device_ids: listOfStrings(),
  driver: str(),
  options: listOrDict(),
};

/** `deploy.resources.reservations.devices`. */
export const DEVICE_RESERVATIONS: Shape = {
  type: 'array',
  items: mapping(DEVICE_REQUEST, { required: ['capabilities'] }),
};

/** `deploy.resources.reservations.generic_resources`. */
export const GENERIC_RESOURCES: Shape = {
  type: 'array',
  items: mapping({
    discrete_resource_spec: mapping({ kind: str(), value: anyOfTypes('number', 'string') }),
  }),
};

/** Top-level `networks.*.ipam`. */
export const IPAM: Shape = mapping({
  driver: str(),
  config: {
    type: 'array',
    items: mapping({
      subnet: str(),
      ip_range: str(),
      gateway: str(),
      aux_addresses: { type: 'object', additionalProperties: { type: 'string' } },
    }),
  },
  options: { type: 'object', additionalProperties: { type: 'string' } },
});

/** Top-level `models.*`. */
export const MODEL: Shape = mapping(
  { name: str(), model: str(), context_size: int(), runtime_flags: listOfStrings(false) },
  { required: ['model'] },
);

/** Service keys berth ignores, with their Compose shapes. */
export const IGNORED_SERVICE_KEYS: Record<string, Shape> = {
  annotations: listOrDict(),
  attach: anyOfTypes('boolean', 'string'),
  blkio_config: BLKIO_CONFIG,
  cap_add: listOfStrings(),
  cap_drop: listOfStrings(),
  cgroup: oneOf(['host', 'private']),
  cgroup_parent: str(),
  // Compose's own pattern is unanchored; kept as is so berth accepts what Compose accepts.
  container_name: str({ pattern: '[a-zA-Z0-9][a-zA-Z0-9_.-]+', expected: 'a container name' }),
  cpu_count: { type: ['string', 'integer'], minimum: 0 },
  cpu_percent: { type: ['string', 'integer'], minimum: 0, maximum: 100 },
  cpu_period: anyOfTypes('number', 'string'),
  cpu_quota: anyOfTypes('number', 'string'),
  cpu_rt_period: anyOfTypes('number', 'string'),
  cpu_rt_runtime: anyOfTypes('number', 'string'),
  cpu_shares: anyOfTypes('number', 'string'),
  cpuset: str(),
  credential_spec: mapping({ config: str(), file: str(), registry: str() }),
  develop: DEVELOP,
  device_cgroup_rules: listOfStrings(),
  devices: {
    type: 'array',
    items: {
      ...mapping({ source: str(), target: str(), permissions: str() }, { required: ['source'] }),
      type: ['string', 'object'],
      expected: 'a "host:container" device string or a mapping with "source"',
    },
  },
  dns: stringOrList(),
  dns_opt: listOfStrings(),
  dns_search: stringOrList(),
  domainname: str(),
  external_links: listOfStrings(),
  extra_hosts: EXTRA_HOSTS,
  gpus: {
    type: ['string', 'array'],
    pattern: '^all$',
    items: { type: 'object', properties: DEVICE_REQUEST },
    expected: '"all" or a list of GPU requests',
  },
  group_add: { type: 'array', items: { type: ['string', 'number'] }, uniqueItems: true },
  hostname: str(),
  ipc: str(),
  isolation: str(),
  label_file: { type: ['string', 'array'], items: { type: 'string' }, expected: 'a path or a list of paths' },
  links: listOfStrings(),
  logging: mapping({
    driver: str(),
    options: { type: 'object', additionalProperties: { type: ['string', 'number', 'null'] } },
  }),
  mac_address: str(),
  mem_swappiness: anyOfTypes('integer', 'string'),
  memswap_limit: anyOfTypes('number', 'string'),
  models: {
    type: ['array', 'object'],
    items: { type: 'string' },
    uniqueItems: true,
    // compose-go also accepts a null entry (`models: {llm: }`).
    additionalProperties: { ...mapping({ endpoint_var: str(), model_var: str() }), type: ['object', 'null'] },
    expected: 'a list of model names or a mapping',
  },
  network_mode: str(),
  oom_kill_disable: anyOfTypes('boolean', 'string'),
  oom_score_adj: { type: ['string', 'integer'], minimum: -1000, maximum: 1000 },
  pid: anyOfTypes('string', 'null'),
  pids_limit: anyOfTypes('number', 'string'),
  platform: str(),
  post_start: HOOKS,
  pre_start: PRE_START_HOOKS,
  pre_stop: HOOKS,
  privileged: anyOfTypes('boolean', 'string'),
  provider: mapping(
    {
      type: str(),
      options: {
        type: 'object',
        additionalProperties: {
          type: ['string', 'number', 'boolean', 'array'],
          items: { type: ['string', 'number', 'boolean'] },
        },
      },
    },
    { required: ['type'] },
  ),
  pull_refresh_after: str(),
  read_only: anyOfTypes('boolean', 'string'),
  runtime: str(),
  security_opt: listOfStrings(),
  shm_size: anyOfTypes('number', 'string'),
  stdin_open: anyOfTypes('boolean', 'string'),
  storage_opt: { type: 'object' },
  sysctls: listOrDict(),
  tty: anyOfTypes('boolean', 'string'),
  ulimits: ULIMITS,
  use_api_socket: bool(),
  userns_mode: str(),
  uts: str(),
  volumes_from: listOfStrings(),
};
