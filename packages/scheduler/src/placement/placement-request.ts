/**
 * What placement needs to know about a service, worked out once per service per round so the
 * per-node checks are plain number and map lookups.
 */
import type { DriverName, PlacementConstraint, PlacementStrategy, ServiceSpec } from '@berth/api';
import type { ServiceKey } from '../reconcile/model.js';
import { portClaims, type PortClaim } from './port-claims.js';

/** A service's placement needs. */
export interface PlacementRequest {
  key: ServiceKey;
  driver: DriverName;
  constraints: readonly PlacementConstraint[];
  /** Reserved CPU in thousandths of a core, so sums stay exact. */
  milliCpus: number;
  memoryBytes: number;
  claims: readonly PortClaim[];
  /** 0 = unlimited. */
  maxPerNode: number;
  strategy: PlacementStrategy;
  /** Spread preference fields, outermost first (`node.labels.zone`). */
  spread: readonly string[];
}

/** CPU cores → whole thousandths (node capacity and reservations use the same unit). */
export function toMilliCpus(cpus: number | undefined): number {
  return cpus === undefined || !Number.isFinite(cpus) ? 0 : Math.round(cpus * 1000);
}

/** The placement request of `spec`, deployed under `key`. */
export function placementRequest(key: ServiceKey, spec: ServiceSpec): PlacementRequest {
  const { placement, resources } = spec.deploy;
  return {
    key,
    driver: spec.berth.driver,
    constraints: placement.constraints,
    milliCpus: toMilliCpus(resources.reservations.cpus),
    memoryBytes: resources.reservations.memoryBytes ?? 0,
    claims: portClaims(spec.ports),
    maxPerNode: placement.maxReplicasPerNode,
    strategy: spec.berth.placementStrategy,
    spread: placement.spread,
  };
}
