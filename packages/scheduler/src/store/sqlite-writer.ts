/**
 * The SQLite store's write-behind: committed changes are merged into a pending batch (the last
 * value of each record wins), and the batch is written as one SQLite transaction after a short
 * window, or at once on `flush()`. One transaction per batch instead of one per change is what
 * makes 100,000 status updates a second affordable: SQLite's cost is per commit, not per row.
 *
 * A batch holds whole store transactions, and is closed once it holds `maxBatchRows` records:
 * later transactions start the next one. A backlog of several batches (a burst of reports that
 * piled up while the event loop was busy) is written one batch per turn of the event loop, so
 * the writer never holds it for long (10,000 rows take ~50 ms) and the file always holds a
 * prefix of whole transactions. `flush()` still writes everything at once.
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
  /** Records a batch holds before the next transaction starts another; default {@link DEFAULT_MAX_BATCH_ROWS}. */
  maxBatchRows?: number | undefined;
}

/** How many records a batch holds before it is closed: one SQLite transaction of ~50 ms. */
export const DEFAULT_MAX_BATCH_ROWS = 10_000;

/** A task's pending write; `statusOnly` while every change since the row was written was. */
interface PendingTask {
  record: TaskRecord | undefined;
  statusOnly: boolean;
}

/** Whole store transactions merged, to be written as one SQLite transaction. */
class Batch {
  // Each record's last value in the batch; undefined = delete the row.
  readonly stacks = new Map<string, StackRecord | undefined>();
  readonly tasks = new Map<string, PendingTask>();
  readonly nodes = new Map<string, NodeRecord | undefined>();
  /** The revision of the last transaction merged in. */
  revision = 0;

  /** How many records it holds. */
  get rows(): number {
    return this.stacks.size + this.tasks.size + this.nodes.size;
  }
}

// After a failed scheduled write, wait at least this long before trying again.
const RETRY_MS = 1_000;

/** Batches committed changes into SQLite transactions. */
export class BatchedWriter {
  /** Batches not yet written, oldest first; only the last one takes new changes. */
  private readonly pending: Batch[] = [];
  private readonly maxBatchRows: number;
  private readonly counters: WriteStats;
  private timer: { cancel(): void } | undefined;
  private readonly writeBatches: (batches: readonly Batch[]) => number;

  constructor(
    db: StateDatabase,
    revision: number,
    private readonly options: BatchedWriterOptions,
  ) {
    this.maxBatchRows = options.maxBatchRows ?? DEFAULT_MAX_BATCH_ROWS;
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

    const writeBatch = (batch: Batch): number => {
      let rows = 0;
      for (const [name, record] of batch.stacks) {
        rows += (record === undefined ? deleteStack.run(name) : upsertStack.run(stackToRow(record))).changes;
      }
      for (const [id, record] of batch.nodes) {
        rows += (record === undefined ? deleteNode.run(id) : upsertNode.run(nodeToRow(record))).changes;
      }
      for (const [id, { record, statusOnly }] of batch.tasks) {
        if (record === undefined) rows += deleteTask.run(id).changes;
        else if (!statusOnly) rows += writeTask(record);
        else {
          const { changes } = updateStatus.run(JSON.stringify(record.status), record.updatedAt, record.revision, id);
          // No row to update would mean the file lost one; write it whole rather than not at all.
          rows += changes > 0 ? changes : writeTask(record);
        }
      }
      return rows;
    };
    this.writeBatches = db.transaction((batches: readonly Batch[]): number => {
      let rows = 0;
      for (const batch of batches) rows += writeBatch(batch);
      setRevision.run(batches.at(-1)!.revision);
      return rows;
    });
  }

  /** What has been written so far. */
  stats(): WriteStats {
    return { ...this.counters };
  }

  /** Adds one committed transaction to the pending batch and makes sure a write is scheduled. */
  add(changes: CommittedChanges): void {
    let batch = this.pending.at(-1);
    if (batch === undefined || batch.rows >= this.maxBatchRows) {
      batch = new Batch();
      this.pending.push(batch);
    }
    for (const c of changes.stacks) batch.stacks.set(c.name, c.stack);
    for (const c of changes.nodes) batch.nodes.set(c.id, c.node);
    for (const c of changes.tasks) {
      // Within a batch only: an earlier batch is written before this one, so `previous` is
      // what this batch's row update starts from.
      const pending = batch.tasks.get(c.id);
      const statusOnly =
        c.task !== undefined && c.previous !== undefined && (pending?.statusOnly ?? true) && onlyStatusChanged(c.previous, c.task);
      if (pending === undefined) batch.tasks.set(c.id, { record: c.task, statusOnly });
      else {
        pending.record = c.task;
        pending.statusOnly = statusOnly;
      }
    }
    batch.revision = changes.revision;
    this.schedule(this.options.windowMs);
  }

  /** Writes every pending batch now, as one SQLite transaction; throws (keeping them) on failure. */
  flush(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.write(this.pending.length);
  }

  /** Writes the oldest `count` batches as one SQLite transaction; throws (keeping them) on failure. */
  private write(count: number): void {
    if (count === 0) return;
    const batches = this.pending.slice(0, count);
    const rows = this.writeBatches(batches);
    this.pending.splice(0, count);
    this.counters.batches++;
    this.counters.rows += rows;
    this.counters.revision = batches.at(-1)!.revision;
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
        this.write(1);
      } catch (error) {
        if (this.options.onError === undefined) throw error;
        this.options.onError(error);
        this.schedule(Math.max(delayMs, RETRY_MS));
        return;
      }
      // A backlog: the next batch after one turn of the event loop.
      if (this.pending.length > 0) this.schedule(0);
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
