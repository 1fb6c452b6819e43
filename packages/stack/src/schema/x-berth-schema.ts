/**
 * Schema of the service-level `x-berth` map: berth's own settings. Unlike other `x-` keys it
 * is strictly typed, and unknown keys inside it are errors, because the map belongs to berth.
 */
import { bool, duration, mapping, num, oneOf, type Shape } from './schema-shapes.js';

/** The `services.*.x-berth` mapping. */
export const X_BERTH_SCHEMA: Shape = mapping(
  {
    driver: oneOf(['docker', 'process']),
    restart_backoff: mapping(
      {
        initial: duration(),
        max: duration(),
        multiplier: num({ minimum: 1 }),
        reset_after: duration(),
      },
      { extensions: false },
    ),
    unhealthy: oneOf(['restart', 'flag']),
    placement_strategy: oneOf(['spread', 'binpack']),
    keep_running_when_disconnected: bool(),
  },
  { extensions: false },
);
