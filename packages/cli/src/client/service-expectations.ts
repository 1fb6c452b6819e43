/** What `up --wait` expects of each service of the deployed stack, read from its spec. */
import type { RestartPolicySpec, StackSpec } from '@berth/api/domain';

/** One service's expected tasks and what decides whether they are ready or gave up. */
export interface ServiceExpectation {
  /** Replicas to wait for; undefined for a global service (one per eligible node, count unknown here). */
  replicas: number | undefined;
  /** The service has an enabled health check, so its tasks must report `healthy`. */
  healthcheck: boolean;
  restart: RestartPolicySpec;
}

/** The expectation of every service of `stack`, by service name. */
export function serviceExpectations(stack: StackSpec): Map<string, ServiceExpectation> {
  const out = new Map<string, ServiceExpectation>();
  for (const [name, spec] of Object.entries(stack.services)) {
    out.set(name, {
      replicas: spec.deploy.mode === 'global' ? undefined : spec.deploy.replicas,
      healthcheck: spec.healthcheck !== undefined && !spec.healthcheck.disabled,
      restart: spec.restart,
    });
  }
  return out;
}
