/** One task's status in words: `running (healthy)`, `exited (1): boom`, `pending: waiting for db`. */
import type { HealthState } from '@berth/api/domain';
import type { TaskView } from '../client/control-api.js';

/** What describing a task needs. */
export type DescribedTask = Pick<TaskView, 'state' | 'health' | 'exitCode' | 'message'>;

const HEALTH_SUFFIX = { none: '', starting: ' (health: starting)', healthy: ' (healthy)', unhealthy: ' (unhealthy)' } as const;

/** The state with its health, exit code and message, as the progress display and `ps` word it. */
export function describeTask(task: DescribedTask): string {
  const { state, health, exitCode, message } = task;
  switch (state) {
    case 'running':
      // A healthy task's message is the last probe output: noise next to "healthy".
      return `running${HEALTH_SUFFIX[health]}` + (health === 'unhealthy' ? suffix(message) : '');
    case 'pending':
      return 'pending' + suffix(message);
    case 'exited':
    case 'failed':
      // The agent's message says how it ended and what the restart policy does; else the code.
      return message !== '' ? `${state}: ${message}` : exitCode !== undefined ? `${state} (${exitCode})` : state;
    default:
      return state + suffix(message);
  }
}

/** The health column of `ps`: empty for a task without a check. */
export function healthText(health: HealthState): string {
  return health === 'none' ? '' : health;
}

function suffix(message: string): string {
  return message === '' ? '' : `: ${message}`;
}
