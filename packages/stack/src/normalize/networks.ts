/**
 * Networks: the top-level declarations (a `default` network always exists) and each service's
 * attachments. A service that names no network joins `default`.
 */
import { isIP } from 'node:net';
import type { NetworkSpec, ServiceNetworkSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap, RawValue } from '../raw-model.js';
import { normalizeLabels } from './labels.js';
import { readOptionMap } from './list-or-dict.js';
import { listOf, mapOf, nonEmptyString, readBoolean, setOwn, stringList } from './raw-values.js';
import { resourceIdentity } from './resource-identity.js';

/** Normalizes the top-level `networks`, adding `default` unless the file declares it. */
export function normalizeNetworks(raw: RawValue | undefined, projectName: string, diag: Diagnostics): Record<string, NetworkSpec> {
  const out: Record<string, NetworkSpec> = {};
  const declared = mapOf(raw) ?? {};
  for (const [key, value] of Object.entries(declared)) {
    if (value !== null && !mapOf(value)) continue;
    const m = mapOf(value) ?? {};
    const path = ['networks', key];
    const flag = (k: string): boolean => readBoolean(m[k], [...path, k], diag) ?? false;
    setOwn(out, key, {
      ...resourceIdentity(key, m, projectName, path, diag),
      driver: nonEmptyString(m['driver']) ?? 'bridge',
      internal: flag('internal'),
      attachable: flag('attachable'),
      enableIpv6: flag('enable_ipv6'),
      driverOpts: readOptionMap(m['driver_opts']),
      labels: normalizeLabels(m['labels'], [...path, 'labels'], diag),
    });
  }
  // Also when `default` is declared but malformed: the schema reported it; services still need it.
  if (!Object.hasOwn(out, 'default')) {
    out['default'] = {
      name: `${projectName}_default`,
      driver: 'bridge',
      external: false,
      internal: false,
      attachable: false,
      enableIpv6: false,
      driverOpts: {},
      labels: {},
    };
  }
  return out;
}

/** Which service is attached and which networks exist (including `default`). */
export interface NetworkScope {
  service: string;
  declaredNetworks: ReadonlySet<string>;
}

/** Normalizes a service's `networks` (list or mapping with aliases and static addresses). */
export function normalizeServiceNetworks(
  service: RawMap,
  servicePath: ModelPath,
  scope: NetworkScope,
  diag: Diagnostics,
): Record<string, ServiceNetworkSpec> {
  const path = [...servicePath, 'networks'];
  const raw = service['networks'];
  // network_mode is accepted but not acted on by berth (the schema stage warns), so it does not
  // keep a service off the default network.
  if (raw === undefined || raw === null) return { default: { aliases: [] } };
  const entries: [string, RawValue, ModelPath][] = listOf(raw)
    ? (listOf(raw) ?? []).flatMap((n, i): [string, RawValue, ModelPath][] => (typeof n === 'string' ? [[n, null, [...path, i]]] : []))
    : Object.entries(mapOf(raw) ?? {}).map(([n, v]): [string, RawValue, ModelPath] => [n, v, [...path, n]]);
  const out: Record<string, ServiceNetworkSpec> = {};
  for (const [name, value, at] of entries) {
    if (!scope.declaredNetworks.has(name)) {
      diag.error(at, `network ${JSON.stringify(name)} is used by service ${JSON.stringify(scope.service)} but not declared in the top-level networks`);
      continue;
    }
    const m = mapOf(value) ?? {};
    const spec: ServiceNetworkSpec = { aliases: stringList(m['aliases']) };
    const ipv4 = address(m['ipv4_address'], 4, [...at, 'ipv4_address'], diag);
    const ipv6 = address(m['ipv6_address'], 6, [...at, 'ipv6_address'], diag);
    if (ipv4) spec.ipv4Address = ipv4;
    if (ipv6) spec.ipv6Address = ipv6;
    setOwn(out, name, spec);
  }
  return out;
}

function address(v: RawValue | undefined, family: 4 | 6, path: ModelPath, diag: Diagnostics): string | undefined {
  const s = nonEmptyString(v);
  if (s === undefined) return undefined;
  if (isIP(s) === family) return s;
  diag.error(path, `${JSON.stringify(s)} is not a valid IPv${family} address`);
  return undefined;
}
