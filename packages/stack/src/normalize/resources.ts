/**
 * `deploy.resources` limits and reservations, plus the service-level aliases `cpus`,
 * `mem_limit`, `mem_reservation` and `pids_limit`. Like compose-go, an alias and its deploy
 * counterpart may both be set only to the same value.
 */
import type { ResourceAmounts, ResourcesSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { readByteSize } from './byte-size.js';
import { mapOf, readInteger, readNumber } from './raw-values.js';

/** One resource amount's reader: CPUs, memory or pids. */
type Reader = (v: RawValue | undefined, path: ModelPath, diag: Diagnostics) => number | undefined;

const readCpus: Reader = (v, path, diag) => {
  const n = readNumber(v, path, diag);
  return n === 0 ? undefined : n; // 0 means "no limit" to Docker
};
// -1 and 0 both mean "unlimited" for pids.
const readPids: Reader = (v, path, diag) => {
  const n = readInteger(v, path, diag, -1);
  return n === undefined || n <= 0 ? undefined : n;
};

const AMOUNTS: readonly [keyof ResourceAmounts, string, Reader][] = [
  ['cpus', 'cpus', readCpus],
  ['memoryBytes', 'memory', readByteSize],
  ['pids', 'pids', readPids],
];

/** Service-level alias → [section, amount, deploy key, reader]. */
const ALIASES: readonly [string, 'limits' | 'reservations', keyof ResourceAmounts, string, Reader][] = [
  ['cpus', 'limits', 'cpus', 'cpus', readCpus],
  ['mem_limit', 'limits', 'memoryBytes', 'memory', readByteSize],
  ['mem_reservation', 'reservations', 'memoryBytes', 'memory', readByteSize],
  ['pids_limit', 'limits', 'pids', 'pids', readPids],
];

function amounts(raw: RawValue | undefined, path: ModelPath, diag: Diagnostics): ResourceAmounts {
  const m = mapOf(raw) ?? {};
  const out: ResourceAmounts = {};
  for (const [field, key, read] of AMOUNTS) {
    const v = read(m[key], [...path, key], diag);
    if (v !== undefined) out[field] = v;
  }
  return out;
}

/** Normalizes resources of the service at `servicePath`. */
export function normalizeResources(service: RawMap, servicePath: ModelPath, diag: Diagnostics): ResourcesSpec {
  const path = [...servicePath, 'deploy', 'resources'];
  const resources = mapOf(mapOf(service['deploy'])?.['resources']) ?? {};
  const spec: ResourcesSpec = {
    limits: amounts(resources['limits'], [...path, 'limits'], diag),
    reservations: amounts(resources['reservations'], [...path, 'reservations'], diag),
  };
  for (const [alias, section, field, key, read] of ALIASES) {
    const v = read(service[alias], [...servicePath, alias], diag);
    if (v === undefined) continue;
    const current = spec[section][field];
    if (current === undefined) spec[section][field] = v;
    else if (current !== v) {
      diag.error([...servicePath, alias], `can't set distinct values on '${alias}' and 'deploy.resources.${section}.${key}'`);
    }
  }
  return spec;
}
