/**
 * The SQLite store's write-behind: committed changes are merged into a pending batch (the last
 * value of each record wins), and the batch is written as one SQLite transaction after a short
 * window, or at once on `flush()`. One transaction per batch instead of one per change is what
 * makes 100,000 status updates a second affordable: SQLite's cost is per commit, not per row.
 */
import type { CommittedChanges } from './indexed-store.js';
import type { StateDatabase } from './sqlite-schema.js';
import { nodeToRow, onlyStatusChanged, stackToRow, TASK_ROW_COLUMNS, taskToRow } from './sqlite-rows.js';
import type { NodeRecord, StackRecord, TaskRecord } from './store-records.js';

/** Counters of what the writer has done, for tests and diagnostics. */
export interface WriteStats {
  /** SQLite transactions written. */
  batches: number;
  /** Rows upserted or deleted, over all batches. */
  rows: number;
  /** The store revision the database holds. */
  revision: number;
}

/** How the writer schedules and reports. */
export interface BatchedWriterOptions {
  /** How long a batch collects changes; 0 = until the current turn of the event loop ends. */
  windowMs: number;
  /** Called when a scheduled write fails; the batch is kept and retried. Absent: throw. */
  onError?: ((error: unknown) => void) | undefined;
}

/** A task's pending write; `statusOnly` while every change since the row was written was. */
interface PendingTask {
  record: TaskRecord | undefined;
  statusOnly: boolean;
}

// After a failed scheduled write, wait at least this long before trying again.
const RETRY_MS = 1_000;

/** Batches committed changes into SQLite transactions. */
export class BatchedWriter {
  // Each record's last value in the batch; undefined = delete the row.
  private readonly stacks = new Map<string, StackRecord | undefined>();
  private readonly tasks = new Map<string, PendingTask>();
  private readonly nodes = new Map<string, NodeRecord | undefined>();
  private pendingRevision: number;
  private readonly counters: WriteStats;
  private timer: { cancel(): void } | undefined;
  private readonly writeBatch: () => number;

  constructor(
    db: StateDatabase,
    revision: number,
    private readonly options: BatchedWriterOptions,
  ) {
    this.pendingRevision = revision;
    this.counters = { batches: 0, rows: 0, revision };
    // Tasks bind by position: named parameters cost a property lookup each, per row.
    const columns = TASK_ROW_COLUMNS;
    const upsertTask = db.prepare(
      `INSERT INTO tasks (${columns.join(', ')}) VALUES (${columns.map(() => '?').join(', ')})
       ON CONFLICT (id) DO UPDATE SET ${columns.filter((c) => c !== 'id').map((c) => `${c} = excluded.${c}`).join(', ')}`,
    );
    const writeTask = (task: TaskRecord): number => {
      const row = taskToRow(task);
      return upsertTask.run(columns.map((c) => row[c])).changes;
    };
    const updateStatus = db.prepare('UPDATE tasks SET status = ?, updated_at = ?, revision = ? WHERE id = ?');
    const deleteTask = db.prepare('DELETE FROM tasks WHERE id = ?');
    const upsertStack = db.prepare(
      `INSERT INTO stacks (name, spec, services, revision) VALUES (@name, @spec, @services, @revision)
       ON CONFLICT (name) DO UPDATE SET spec = excluded.spec, services = excluded.services, revision = excluded.revision`,
    );
    const deleteStack = db.prepare('DELETE FROM stacks WHERE name = ?');
    const upsertNode = db.prepare(
      `INSERT INTO nodes (id, name, info, last_heartbeat_at, revision) VALUES (@id, @name, @info, @last_heartbeat_at, @revision)
       ON CONFLICT (id) DO UPDATE SET name = excluded.name, info = excluded.info,
         last_heartbeat_at = excluded.last_heartbeat_at, revision = excluded.revision`,
    );
    const deleteNode = db.prepare('DELETE FROM nodes WHERE id = ?');
    const setRevision = db.prepare("UPDATE meta SET value = ? WHERE key = 'revision'");

    this.writeBatch = db.transaction((): number => {
      let rows = 0;
      for (const [name, record] of this.stacks) {
        rows += (record === undefined ? deleteStack.run(name) : upsertStack.run(stackToRow(record))).changes;
      }
      for (const [id, record] of this.nodes) {
        rows += (record === undefined ? deleteNode.run(id) : upsertNode.run(nodeToRow(record))).changes;
      }
      for (const [id, { record, statusOnly }] of this.tasks) {
        if (record === undefined) rows += deleteTask.run(id).changes;
        else if (!statusOnly) rows += writeTask(record);
        else {
          const { changes } = updateStatus.run(JSON.stringify(record.status), record.updatedAt, record.revision, id);
          // No row to update would mean the file lost one; write it whole rather than not at all.
          rows += changes > 0 ? changes : writeTask(record);
        }
      }
      setRevision.run(this.pendingRevision);
      return rows;
    });
  }

  /** What has been written so far. */
  stats(): WriteStats {
    return { ...this.counters };
  }

  /** Adds one committed transaction to the pending batch and makes sure a write is scheduled. */
  add(changes: CommittedChanges): void {
    for (const c of changes.stacks) this.stacks.set(c.name, c.stack);
    for (const c of changes.nodes) this.nodes.set(c.id, c.node);
    for (const c of changes.tasks) {
      const pending = this.tasks.get(c.id);
      const statusOnly =
        c.task !== undefined && c.previous !== undefined && (pending?.statusOnly ?? true) && onlyStatusChanged(c.previous, c.task);
      if (pending === undefined) this.tasks.set(c.id, { record: c.task, statusOnly });
      else {
        pending.record = c.task;
        pending.statusOnly = statusOnly;
      }
    }
    this.pendingRevision = changes.revision;
    this.schedule(this.options.windowMs);
  }

  /** Writes the pending batch now, as one SQLite transaction; throws (keeping it) on failure. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    if (this.pendingRevision === this.counters.revision) return;
    const rows = this.writeBatch();
    this.stacks.clear();
    this.nodes.clear();
    this.tasks.clear();
    this.counters.batches++;
    this.counters.rows += rows;
    this.counters.revision = this.pendingRevision;
  }

  /** Cancels any scheduled write (pending changes stay unwritten: flush first). */
  dispose(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private schedule(delayMs: number): void {
    if (this.timer !== undefined) return;
    const run = (): void => {
      this.timer = undefined;
      try {
        this.flush();
      } catch (error) {
        if (this.options.onError === undefined) throw error;
        this.options.onError(error);
        this.schedule(Math.max(delayMs, RETRY_MS));
      }
    };
    if (delayMs <= 0) {
      const immediate = setImmediate(run);
      this.timer = { cancel: () => clearImmediate(immediate) };
    } else {
      const timeout = setTimeout(run, delayMs);
      this.timer = { cancel: () => clearTimeout(timeout) };
    }
  }
}
