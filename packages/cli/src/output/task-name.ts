/** The name a person sees for a task: `service-slot`, as Compose names its containers. */

/** What naming a task needs; global tasks (slot 0) are told apart by node, else by id. */
export interface TaskNaming {
  service: string;
  slot: number;
  /** Name of the node a global task runs on, when known. */
  nodeName?: string;
  id: string;
}

const SHORT_ID = 8;

/** `web-2` for replica slot 2; `agent-node1` (or `agent-1a2b3c4d`) for a global service's task. */
export function taskName(task: TaskNaming): string {
  if (task.slot > 0) return `${task.service}-${task.slot}`;
  const node = task.nodeName !== undefined && task.nodeName !== '' ? task.nodeName : task.id.slice(0, SHORT_ID);
  return `${task.service}-${node}`;
}
