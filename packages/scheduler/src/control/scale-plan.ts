/**
 * A scale: new replica counts for some services of a stored stack, and nothing else. Replicas
 * are outside the spec hash, so generations stay and no task restarts; reconcile adds or stops
 * the slots. Pure: every request entry is checked before anything is decided.
 */
import { BerthError } from '@berth/api';
import { desiredStack } from '../reconcile/desired-stack.js';
import type { DesiredStack } from '../reconcile/model.js';
import type { ServiceChange } from './views.js';

/** A scale worked out against the stored stack. */
export interface ScalePlan {
  desired: DesiredStack;
  /** One per requested service, in request order: `updated` (deploy.replicas) or `unchanged`. */
  changes: ServiceChange[];
  changed: boolean;
}

/**
 * Scales services of `stack` to `replicas` (service → count). BerthError NOT_FOUND for a
 * service the stack lacks, CONFLICT for a global service, USAGE for a count that is not a
 * non-negative integer or a service named twice.
 */
export function planScale(stack: DesiredStack, replicas: ReadonlyArray<readonly [string, number]>): ScalePlan {
  const seen = new Set<string>();
  for (const [service, count] of replicas) {
    const spec = stack.spec.services[service];
    if (spec === undefined || !Object.hasOwn(stack.spec.services, service)) {
      throw new BerthError('NOT_FOUND', `stack ${JSON.stringify(stack.spec.name)} has no service ${JSON.stringify(service)}`, {
        context: { stack: stack.spec.name, service },
      });
    }
    if (spec.deploy.mode === 'global') {
      throw new BerthError('CONFLICT', `service ${JSON.stringify(service)} is global (one task per node) and cannot be scaled`, {
        context: { stack: stack.spec.name, service },
      });
    }
    if (!Number.isSafeInteger(count) || count < 0) {
      throw new BerthError('USAGE', `invalid replica count ${count} for service ${JSON.stringify(service)}`);
    }
    if (seen.has(service)) throw new BerthError('USAGE', `service ${JSON.stringify(service)} is named twice`);
    seen.add(service);
  }
  const services = { ...stack.spec.services };
  const changes: ServiceChange[] = [];
  for (const [service, count] of replicas) {
    const spec = services[service]!;
    if (spec.deploy.replicas === count) {
      changes.push({ service, kind: 'unchanged', changedFields: [] });
      continue;
    }
    services[service] = { ...spec, deploy: { ...spec.deploy, replicas: count } };
    changes.push({ service, kind: 'updated', changedFields: ['deploy.replicas'] });
  }
  const changed = changes.some((c) => c.kind === 'updated');
  return { desired: changed ? desiredStack({ ...stack.spec, services }, stack) : stack, changes, changed };
}
