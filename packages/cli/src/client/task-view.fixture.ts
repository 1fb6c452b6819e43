/** Builds TaskView values for the client's table tests. */
import type { TaskView } from './control-api.js';

/** A running task of stack `demo` on node `n1`, with `over` applied. */
export function taskView(service: string, slot: number, over: Partial<TaskView> = {}): TaskView {
  return {
    id: `${service}-${slot}-id`,
    stack: 'demo',
    service,
    slot,
    nodeId: 'n1',
    desired: 'run',
    state: 'running',
    health: 'none',
    restarts: 0,
    message: '',
    ports: [],
    ...over,
  };
}
