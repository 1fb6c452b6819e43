/** A ServiceSpec with every field at its Compose (and berth) default, for builders and tests. */
import {
  DEFAULT_RESTART_BACKOFF,
  DEFAULT_STOP_GRACE_PERIOD_MS,
  type BerthServiceSettings,
  type ServiceSpec,
} from './stack-spec.js';

/** berth's `x-berth` defaults for a service. */
export function defaultBerthSettings(): BerthServiceSettings {
  return {
    driver: 'docker',
    restartBackoff: { ...DEFAULT_RESTART_BACKOFF },
    unhealthy: 'restart',
    placementStrategy: 'spread',
    keepRunningWhenDisconnected: false,
  };
}

/**
 * The spec of a service named `name` that sets nothing (no image, `restart: no`, one replica,
 * no ports, mounts or constraints), with `overrides` on top. Every call returns fresh objects.
 */
export function defaultServiceSpec(name: string, overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  return {
    name,
    pullPolicy: 'missing',
    environment: {},
    ports: [],
    expose: [],
    volumes: [],
    networks: {},
    dependsOn: {},
    restart: { condition: 'none', maxAttempts: 0, windowMs: 0 },
    stopSignal: 'SIGTERM',
    stopGracePeriodMs: DEFAULT_STOP_GRACE_PERIOD_MS,
    init: false,
    labels: {},
    profiles: [],
    secrets: [],
    configs: [],
    deploy: {
      mode: 'replicated',
      replicas: 1,
      placement: { constraints: [], spread: [], maxReplicasPerNode: 0 },
      resources: { limits: {}, reservations: {} },
      labels: {},
    },
    berth: defaultBerthSettings(),
    ...overrides,
  };
}
