/** Schema of a service's `deploy:` section (placement, resources, restart and update policies). */
import {
  duration,
  int,
  listOrDict,
  mapping,
  num,
  oneOf,
  size,
  str,
  type Shape,
} from './schema-shapes.js';
import { DEVICE_RESERVATIONS, GENERIC_RESOURCES } from './ignored-shapes.js';

function rolloutConfig(failureActions: readonly string[]): Shape {
  return mapping({
    parallelism: int({ minimum: 0 }),
    delay: duration(),
    failure_action: oneOf(failureActions),
    monitor: duration(),
    max_failure_ratio: num({ minimum: 0, maximum: 1 }),
    order: oneOf(['start-first', 'stop-first']),
  });
}

const CONSTRAINT: Shape = str({
  pattern: '^\\s*[^\\s=!]+\\s*(?:==|!=)\\s*\\S',
  expected: 'a constraint like "node.labels.zone == eu"',
});

/** `services.*.deploy`. */
export const DEPLOY_SCHEMA: Shape = {
  ...mapping({
    mode: oneOf(['replicated', 'global', 'replicated-job', 'global-job']),
    endpoint_mode: str(),
    replicas: int({ minimum: 0 }),
    labels: listOrDict(),
    rollback_config: rolloutConfig(['continue', 'pause']),
    update_config: rolloutConfig(['continue', 'rollback', 'pause']),
    resources: mapping({
      limits: mapping({ cpus: num({ minimum: 0 }), memory: size(), pids: int() }),
      reservations: mapping({
        cpus: num({ minimum: 0 }),
        memory: size(),
        generic_resources: GENERIC_RESOURCES,
        devices: DEVICE_RESERVATIONS,
      }),
    }),
    restart_policy: mapping({
      condition: oneOf(['none', 'on-failure', 'any']),
      delay: duration(),
      max_attempts: int({ minimum: 0 }),
      window: duration(),
    }),
    placement: mapping({
      constraints: { type: 'array', items: CONSTRAINT },
      preferences: { type: 'array', items: mapping({ spread: str() }) },
      max_replicas_per_node: int({ minimum: 0 }),
    }),
  }),
  // `deploy:` with nothing under it is valid Compose.
  type: ['object', 'null'],
};
