/**
 * What a deploy changes: the new desired stack (hashes and generations from `desiredStack`,
 * so a service keeps its generation unless what its tasks run changed) and, per service,
 * whether it was created, updated, left alone or removed. Pure: the Control API decides whether
 * to write.
 */
import type { ServiceSpec, StackSpec } from '@berth/api';
import { desiredStack } from '../reconcile/desired-stack.js';
import type { DesiredStack } from '../reconcile/model.js';
import { canonicalJson } from '../reconcile/spec-hash.js';
import type { ServiceChange } from './views.js';

/** A deploy worked out against the stack as stored. */
export interface DeployPlan {
  desired: DesiredStack;
  /** Per service, sorted by name; removed services included. */
  changes: ServiceChange[];
  /** Whether the stored stack differs at all (a service, or a network, volume, secret, config). */
  changed: boolean;
}

// Sub-records with fixed fields: a change inside one is named one level down
// (`deploy.replicas`, `healthcheck.intervalMs`). Maps (environment, labels) and lists are named
// as a whole.
const STRUCT_FIELDS = new Set(['deploy', 'berth', 'restart', 'healthcheck', 'build']);

function isRecord(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** The ServiceSpec fields (camelCase paths) that differ between two specs, sorted. */
export function changedFields(before: ServiceSpec, after: ServiceSpec): string[] {
  const fields: string[] = [];
  const a = before as unknown as Record<string, unknown>;
  const b = after as unknown as Record<string, unknown>;
  for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
    const x = a[key];
    const y = b[key];
    if (canonicalJson(x) === canonicalJson(y)) continue;
    if (STRUCT_FIELDS.has(key) && isRecord(x) && isRecord(y)) {
      for (const sub of new Set([...Object.keys(x), ...Object.keys(y)])) {
        if (canonicalJson(x[sub]) !== canonicalJson(y[sub])) fields.push(`${key}.${sub}`);
      }
    } else {
      fields.push(key);
    }
  }
  return fields.sort();
}

/** The deploy of `spec` over `previous` (the stored stack, if any). */
export function planDeploy(spec: StackSpec, previous: DesiredStack | undefined): DeployPlan {
  const desired = desiredStack(spec, previous);
  const changes: ServiceChange[] = [];
  for (const [name, service] of Object.entries(spec.services)) {
    const before = previous?.spec.services[name];
    if (before === undefined) {
      changes.push({ service: name, kind: 'created', changedFields: [] });
      continue;
    }
    const fields = changedFields(before, service);
    changes.push({ service: name, kind: fields.length === 0 ? 'unchanged' : 'updated', changedFields: fields });
  }
  for (const name of Object.keys(previous?.spec.services ?? {})) {
    if (!Object.hasOwn(spec.services, name)) changes.push({ service: name, kind: 'removed', changedFields: [] });
  }
  changes.sort((x, y) => (x.service < y.service ? -1 : x.service > y.service ? 1 : 0));
  const changed = previous === undefined || canonicalJson(previous.spec) !== canonicalJson(spec);
  return { desired, changes, changed };
}
