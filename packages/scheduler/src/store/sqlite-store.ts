/**
 * The default state store: everything in memory for reads, written behind to SQLite in
 * `<dataDir>/state.db` (see `sqlite-schema.ts` for the durability trade-off and
 * `sqlite-writer.ts` for the batching). Opening loads the whole state into the indexes.
 *
 * Read-your-writes holds in-process at once; the file catches up within `batchWindowMs`, or
 * on `flush()`. What was committed in memory but not yet written is lost if the process dies
 * in between: callers that must not lose a write (an accepted deploy) call `flush()` before
 * acknowledging it.
 */
import { join } from 'node:path';
import { IndexedStateStore, type CommittedChanges, type StateStoreOptions } from './indexed-store.js';
import { openStateDatabase, STATE_DB_FILE, type StateDatabase } from './sqlite-schema.js';
import { nodeFromRow, stackFromRow, taskFromRow, type NodeRow, type StackRow, type TaskRow } from './sqlite-rows.js';
import { BatchedWriter, DEFAULT_MAX_BATCH_ROWS, type WriteStats } from './sqlite-writer.js';

/** Options of the SQLite store. */
export interface SqliteStateStoreOptions extends StateStoreOptions {
  /** The scheduler's `--data-dir`; created if missing. */
  dataDir: string;
  /**
   * How long changes collect before they are written as one transaction (ms). 0 writes at the
   * end of the current event-loop turn. Default {@link DEFAULT_BATCH_WINDOW_MS}.
   */
  batchWindowMs?: number;
  /**
   * Called when a background write fails; the batch is kept and retried. Without it the error
   * is thrown from the timer, which ends the process: running on with state that no longer
   * reaches the disk would be worse.
   */
  onWriteError?: (error: unknown) => void;
  /**
   * Records one background write holds at most (whole transactions; a backlog is written one
   * such batch per turn of the event loop). Default {@link DEFAULT_MAX_BATCH_ROWS}.
   */
  maxBatchRows?: number;
}

/** The default batch window: short enough to lose little on a crash, long enough to batch. */
export const DEFAULT_BATCH_WINDOW_MS = 5;

/** A state store persisted to SQLite with batched writes. */
export class SqliteStateStore extends IndexedStateStore {
  /** The database file. */
  readonly file: string;
  private readonly db: StateDatabase;
  private readonly writer: BatchedWriter;

  private constructor(options: SqliteStateStoreOptions, db: StateDatabase, revision: number) {
    super(options);
    this.file = join(options.dataDir, STATE_DB_FILE);
    this.db = db;
    this.writer = new BatchedWriter(db, revision, {
      windowMs: options.batchWindowMs ?? DEFAULT_BATCH_WINDOW_MS,
      onError: options.onWriteError,
      maxBatchRows: options.maxBatchRows,
    });
  }

  /** Opens (or creates) the store in `options.dataDir` and loads its state. */
  static open(options: SqliteStateStoreOptions): SqliteStateStore {
    const db = openStateDatabase(options.dataDir);
    try {
      const revision = (db.prepare("SELECT value FROM meta WHERE key = 'revision'").pluck().get() as number | undefined) ?? 0;
      const store = new SqliteStateStore(options, db, revision);
      store.load(
        revision,
        (db.prepare('SELECT * FROM stacks ORDER BY rowid').all() as StackRow[]).map(stackFromRow),
        (db.prepare('SELECT * FROM tasks ORDER BY rowid').all() as TaskRow[]).map(taskFromRow),
        (db.prepare('SELECT * FROM nodes ORDER BY rowid').all() as NodeRow[]).map(nodeFromRow),
      );
      return store;
    } catch (error) {
      db.close();
      throw error;
    }
  }

  /** What the writer has written so far (batches, rows, the revision on disk). */
  writeStats(): WriteStats {
    return this.writer.stats();
  }

  /** Writes every committed change to the database now, as one transaction. */
  override flush(): void {
    this.writer.flush();
  }

  protected override persist(changes: CommittedChanges): void {
    this.writer.add(changes);
  }

  protected override release(): void {
    this.writer.dispose();
    this.db.close();
  }
}
