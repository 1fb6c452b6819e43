/** Turning a loaded `StackSpec` into a deploy record: a hash and a generation per service. */
import type { StackSpec } from '@berth/api';
import type { DesiredService, DesiredStack } from './model.js';
import { hashServiceSpec } from './spec-hash.js';

/**
 * The deploy record for `spec`. A service keeps its generation when its hash is unchanged from
 * `previous` (the stack as last deployed), gets +1 when the hash changed, and 1 when new.
 */
export function desiredStack(spec: StackSpec, previous?: DesiredStack): DesiredStack {
  const services: Record<string, DesiredService> = {};
  for (const [name, service] of Object.entries(spec.services)) {
    const hash = hashServiceSpec(service);
    const before = previous?.services[name];
    const generation = before === undefined ? 1 : before.hash === hash ? before.generation : before.generation + 1;
    services[name] = { spec: service, hash, generation };
  }
  return { spec, services };
}
