/**
 * Which Compose attributes merge by a rule other than "mappings merge, sequences append,
 * scalars are replaced" (Compose Specification, Merge and override; the `extends` section of
 * Services; and what docker compose does where the spec is silent, e.g. de-duplication).
 */
import type { RawValue } from '../raw-model.js';
import { newMap, setKey } from './raw-access.js';
import {
  configKey,
  deviceKey,
  fieldKey,
  mountTargetKey,
  portKey,
  secretKey,
  valueKey,
  type EntryKey,
} from './merge-keys.js';

/** How the values at one model path combine. */
export type MergeRule =
  /** The later value wins outright (`command`, `entrypoint`, `healthcheck.test`). */
  | { kind: 'replace' }
  /** A mapping that may also be written as a `KEY=VALUE` list; `bare` is the value of a `KEY` entry. */
  | { kind: 'keyValues'; bare: RawValue }
  /** `extra_hosts`: `host=ip` / `host:ip` list or a host → ip(s) mapping. */
  | { kind: 'hosts' }
  /** A sequence whose entries are identified by `key`; `scalarIsList` accepts `dns: 1.1.1.1`. */
  | { kind: 'uniqueList'; key: EntryKey; scalarIsList: boolean }
  /** A list of names or a name → settings mapping (`networks`, `depends_on`); a listed name gets `listEntry()`. */
  | { kind: 'namedMap'; listEntry: () => RawValue }
  /** `build`: a context string or a mapping. */
  | { kind: 'build' }
  /** `logging`: options merge only when both sides use the same driver. */
  | { kind: 'logging' };

const replace: MergeRule = { kind: 'replace' };
const unique = (key: EntryKey, scalarIsList = false): MergeRule => ({ kind: 'uniqueList', key, scalarIsList });
const values = unique(valueKey);
const envLike: MergeRule = { kind: 'keyValues', bare: null };
const labelLike: MergeRule = { kind: 'keyValues', bare: '' };
const hosts: MergeRule = { kind: 'hosts' };

function dependsOnDefaults(): RawValue {
  // The short syntax means "started, and required" (Compose's defaults for the long form).
  const entry = newMap();
  setKey(entry, 'condition', 'service_started');
  setKey(entry, 'required', true);
  return entry;
}

const SERVICE_RULES: [string, MergeRule][] = [
  ['command', replace],
  ['entrypoint', replace],
  ['healthcheck.test', replace],
  ['extends', replace],
  ['environment', envLike],
  ['build.args', envLike],
  ['labels', labelLike],
  ['annotations', labelLike],
  ['sysctls', labelLike],
  ['build.labels', labelLike],
  ['build.additional_contexts', labelLike],
  ['deploy.labels', labelLike],
  ['extra_hosts', hosts],
  ['build.extra_hosts', hosts],
  ['build', { kind: 'build' }],
  ['logging', { kind: 'logging' }],
  ['networks', { kind: 'namedMap', listEntry: () => null }],
  ['models', { kind: 'namedMap', listEntry: () => null }],
  ['depends_on', { kind: 'namedMap', listEntry: dependsOnDefaults }],
  ['ports', unique(portKey)],
  ['volumes', unique(mountTargetKey)],
  ['devices', unique(deviceKey)],
  ['secrets', unique(secretKey)],
  ['configs', unique(configKey)],
  ['env_file', unique(fieldKey('path'), true)],
  ['label_file', unique(valueKey, true)],
  ['dns', unique(valueKey, true)],
  ['dns_search', unique(valueKey, true)],
  ['tmpfs', unique(valueKey, true)],
  ['dns_opt', values],
  ['cap_add', values],
  ['cap_drop', values],
  ['expose', values],
  ['profiles', values],
  ['links', values],
  ['external_links', values],
  ['security_opt', values],
  ['device_cgroup_rules', values],
  ['build.tags', values],
  ['build.platforms', values],
  ['deploy.placement.constraints', values],
  ['deploy.placement.preferences', values],
  ['deploy.resources.reservations.generic_resources', values],
  ['networks.*.aliases', values],
  ['networks.*.link_local_ips', values],
  ['blkio_config.device_read_bps', unique(fieldKey('path'))],
  ['blkio_config.device_read_iops', unique(fieldKey('path'))],
  ['blkio_config.device_write_bps', unique(fieldKey('path'))],
  ['blkio_config.device_write_iops', unique(fieldKey('path'))],
  ['blkio_config.weight_device', unique(fieldKey('path'))],
];

const TOP_LEVEL_RULES: [string, MergeRule][] = [
  ['networks.*.labels', labelLike],
  ['networks.*.ipam.config', unique(fieldKey('subnet'))],
  ['volumes.*.labels', labelLike],
  ['secrets.*.labels', labelLike],
  ['configs.*.labels', labelLike],
];

const RULES: { pattern: string[]; rule: MergeRule }[] = [
  ...SERVICE_RULES.map(([p, rule]) => ({ pattern: ['services', '*', ...p.split('.')], rule })),
  ...TOP_LEVEL_RULES.map(([p, rule]) => ({ pattern: p.split('.'), rule })),
];

/**
 * The rule for a model path given as its mapping keys (list positions are `[]`, service and
 * resource names as written); undefined means the default rule.
 */
export function ruleFor(path: readonly string[]): MergeRule | undefined {
  for (const { pattern, rule } of RULES) {
    if (pattern.length === path.length && pattern.every((seg, i) => seg === '*' || seg === path[i])) return rule;
  }
  return undefined;
}
