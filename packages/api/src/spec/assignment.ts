/**
 * What the scheduler wants this node to run, as domain values: the link converts each wire
 * AssignmentSet into these before the agent sees it.
 */
import type {
  ConfigSpec,
  NetworkSpec,
  SecretSpec,
  ServiceSpec,
  VolumeSpec,
} from './stack-spec.js';
import type { DesiredTaskState } from './task.js';

/**
 * `complete`: the full set, tasks not listed must not run on the node. `incremental`: upserts
 * plus removals on top of revision - 1.
 */
export type AssignmentSetKind = 'complete' | 'incremental';

/** One task for this node to run (or stop). */
export interface Assignment {
  taskId: string;
  stack: string;
  service: string;
  /** Replica slot (1-based) for replicated services; 0 for global services. */
  slot: number;
  spec: ServiceSpec;
  desired: DesiredTaskState;
  /** Stack-level resources the service refers to, so the agent can create them. */
  networks: Record<string, NetworkSpec>;
  volumes: Record<string, VolumeSpec>;
  secrets: Record<string, SecretSpec>;
  configs: Record<string, ConfigSpec>;
}

/** The tasks this node should run as of one revision. */
export interface AssignmentSet {
  kind: AssignmentSetKind;
  /** Increases with every set sent to the node; an incremental set applies to revision - 1. */
  revision: number;
  assignments: Assignment[];
  /** Tasks to stop and forget (incremental sets only). */
  removedTaskIds: string[];
}
