/**
 * Records ↔ rows of the state database. The field lists are checked against the record types
 * (`satisfies Record<keyof …>`), so a field added to `Task` or `StackRecord` fails to compile
 * here until it has a column, instead of being dropped silently on the next restart.
 */
import type { DesiredTaskState, NodeInfo, StackSpec, TaskStatus } from '@berth/api';
import type { DesiredService } from '../reconcile/model.js';
import type { NodeRecord, StackRecord, TaskRecord } from './store-records.js';

/** A row of `stacks`. */
export interface StackRow {
  name: string;
  spec: string;
  services: string;
  revision: number;
}

/** A row of `tasks`. */
export interface TaskRow {
  id: string;
  stack: string;
  service: string;
  slot: number;
  for_node: string | null;
  spec_hash: string;
  generation: number;
  node_id: string | null;
  desired: string;
  status: string;
  pending_reason: string | null;
  created_at: number;
  updated_at: number;
  revision: number;
}

/** A row of `nodes`. */
export interface NodeRow {
  id: string;
  name: string;
  info: string;
  last_heartbeat_at: number;
  revision: number;
}

/** Which column holds each task field: the exhaustiveness check, and the SQL column list. */
export const TASK_COLUMNS = {
  id: 'id',
  stack: 'stack',
  service: 'service',
  slot: 'slot',
  forNode: 'for_node',
  specHash: 'spec_hash',
  generation: 'generation',
  nodeId: 'node_id',
  desired: 'desired',
  status: 'status',
  pendingReason: 'pending_reason',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
  revision: 'revision',
} as const satisfies Record<keyof TaskRecord, keyof TaskRow>;

/** The `tasks` columns in `TASK_COLUMNS` order, for positional binding. */
export const TASK_ROW_COLUMNS: ReadonlyArray<keyof TaskRow> = Object.values(TASK_COLUMNS);

// A status report changes these only; the writer then updates three columns, not the row.
const STATUS_FIELDS: ReadonlySet<keyof TaskRecord> = new Set(['status', 'updatedAt', 'revision']);
const OTHER_TASK_FIELDS = (Object.keys(TASK_COLUMNS) as Array<keyof TaskRecord>).filter((f) => !STATUS_FIELDS.has(f));

/** Whether `after` differs from `before` in its status (and `updatedAt`, `revision`) only. */
export function onlyStatusChanged(before: TaskRecord, after: TaskRecord): boolean {
  for (const field of OTHER_TASK_FIELDS) if (before[field] !== after[field]) return false;
  return true;
}

// Only a compile-time check: `stackToRow` below must be revisited when this fails.
const STACK_FIELDS = { name: true, spec: true, services: true, revision: true } as const satisfies Record<keyof StackRecord, true>;

/** A service's deploy record without its spec, which the stack's spec already holds. */
type StoredService = Omit<DesiredService, 'spec'>;

/** The row for a stack. */
export function stackToRow(stack: StackRecord): StackRow {
  const services: Record<string, StoredService> = {};
  for (const [name, { spec: _spec, ...rest }] of Object.entries(stack.services)) services[name] = rest;
  return { name: stack.name, spec: JSON.stringify(stack.spec), services: JSON.stringify(services), revision: stack.revision };
}

/** The stack a row holds. */
export function stackFromRow(row: StackRow): StackRecord {
  const spec = JSON.parse(row.spec) as StackSpec;
  const stored = JSON.parse(row.services) as Record<string, StoredService>;
  const services: Record<string, DesiredService> = {};
  for (const [name, rest] of Object.entries(stored)) {
    const service = spec.services[name];
    if (service === undefined) throw new Error(`stack ${row.name}: service ${name} has a deploy record but no spec`);
    services[name] = { ...rest, spec: service };
  }
  return { name: row.name, spec, services, revision: row.revision };
}

/** The row for a task. */
export function taskToRow(task: TaskRecord): TaskRow {
  return {
    id: task.id,
    stack: task.stack,
    service: task.service,
    slot: task.slot,
    for_node: task.forNode ?? null,
    spec_hash: task.specHash,
    generation: task.generation,
    node_id: task.nodeId ?? null,
    desired: task.desired,
    status: JSON.stringify(task.status),
    pending_reason: task.pendingReason ?? null,
    created_at: task.createdAt,
    updated_at: task.updatedAt,
    revision: task.revision,
  };
}

/** The task a row holds; absent optional fields stay absent (not undefined-valued). */
export function taskFromRow(row: TaskRow): TaskRecord {
  return {
    id: row.id,
    stack: row.stack,
    service: row.service,
    slot: row.slot,
    ...(row.for_node !== null ? { forNode: row.for_node } : {}),
    specHash: row.spec_hash,
    generation: row.generation,
    ...(row.node_id !== null ? { nodeId: row.node_id } : {}),
    desired: row.desired as DesiredTaskState,
    status: JSON.parse(row.status) as TaskStatus,
    ...(row.pending_reason !== null ? { pendingReason: row.pending_reason } : {}),
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    revision: row.revision,
  };
}

/** The row for a node. */
export function nodeToRow(node: NodeRecord): NodeRow {
  const { lastHeartbeatAt, revision, ...info } = node;
  return { id: node.id, name: node.name, info: JSON.stringify(info), last_heartbeat_at: lastHeartbeatAt, revision };
}

/** The node a row holds. */
export function nodeFromRow(row: NodeRow): NodeRecord {
  const info = JSON.parse(row.info) as NodeInfo;
  return { ...info, lastHeartbeatAt: row.last_heartbeat_at, revision: row.revision };
}
