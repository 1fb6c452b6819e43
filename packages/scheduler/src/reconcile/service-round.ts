/** What reconciling one service works with, and what it reports back. */
import type { NodeInfo } from '@berth/api';
import type { PlacementRequest } from '../placement/placement-request.js';
import type { DesiredService, ReconcileContext, Task } from './model.js';
import type { PlanBuilder } from './plan-builder.js';

/** One service's inputs for a round. */
export interface ServiceRound {
  stack: string;
  name: string;
  desired: DesiredService;
  req: PlacementRequest;
  /** The service's live tasks (desired `run`). */
  tasks: readonly Task[];
  nodes: ReadonlyMap<string, NodeInfo>;
  nodeList: readonly NodeInfo[];
  ctx: ReconcileContext;
  plan: PlanBuilder;
}

/** What the round decided for one service. */
export interface ServiceOutcome {
  kept: Task[];
  created: Task[];
  /** Tasks it would have created but left to a later round (the round's cap). */
  deferred: number;
}
