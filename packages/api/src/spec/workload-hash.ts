/**
 * Which part of a ServiceSpec defines the workload a task runs. The scheduler hashes it to
 * decide whether tasks are out of date; the agent compares it to decide whether an assignment
 * asks for a different workload. One definition, so the two never disagree (a scale must not
 * restart anything on either side).
 */
import { createHash } from 'node:crypto';
import type { ServiceSpec } from './stack-spec.js';

/** Serializes JSON-like data with object keys sorted, so equal values give equal text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') {
    // undefined inside arrays becomes null, as JSON.stringify does; a lone undefined is "null".
    return JSON.stringify(value) ?? 'null';
  }
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.keys(value)
    .filter((k) => (value as Record<string, unknown>)[k] !== undefined)
    .sort()
    .map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`);
  return `{${entries.join(',')}}`;
}

/**
 * The spec minus what does not change what a task runs: `deploy.replicas` (scaling keeps
 * tasks), `deploy.updateConfig`/`rollbackConfig` (how to roll, not what runs), `deploy.labels`
 * (labels of the service, not of its containers), `dependsOn` (start order only) and
 * `profiles` (already applied by the loader).
 */
export function workloadPart(spec: ServiceSpec): unknown {
  const { dependsOn: _d, profiles: _p, deploy, ...rest } = spec;
  const { replicas: _r, updateConfig: _u, rollbackConfig: _b, labels: _l, ...placementAndResources } = deploy;
  return { ...rest, deploy: placementAndResources };
}

/** A short, stable hash (hex) of what a service's tasks run. */
export function hashServiceSpec(spec: ServiceSpec): string {
  return createHash('sha256').update(canonicalJson(workloadPart(spec))).digest('hex').slice(0, 16);
}
