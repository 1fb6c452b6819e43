/** A fresh task record: desired `run`, observed `pending`, no node yet. */
import type { DesiredService, ReconcileContext, Task } from './model.js';

/** Which task to make: the service it belongs to and its slot (or node, for global services). */
export interface TaskIdentity {
  stack: string;
  service: string;
  slot: number;
  forNode?: string;
}

/** A new task for `identity`, made from the service's current spec. */
export function newTask(identity: TaskIdentity, desired: DesiredService, ctx: ReconcileContext): Task {
  const id = ctx.newId();
  return {
    id,
    stack: identity.stack,
    service: identity.service,
    slot: identity.slot,
    ...(identity.forNode !== undefined ? { forNode: identity.forNode } : {}),
    specHash: desired.hash,
    generation: desired.generation,
    desired: 'run',
    status: {
      taskId: id,
      state: 'pending',
      health: 'none',
      message: '',
      restarts: 0,
      stateTimes: { pending: ctx.now },
      ports: [],
    },
    createdAt: ctx.now,
  };
}
