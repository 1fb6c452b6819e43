/**
 * Opening `<dataDir>/state.db`: pragmas, the single-owner lock, and the schema, created or
 * migrated on open. The schema version is SQLite's `user_version`; migration `i` takes the
 * database from version `i` to `i + 1`, inside the same transaction as the version bump.
 *
 * Durability: WAL with `synchronous=NORMAL` means a commit does not wait for an fsync. A
 * committed transaction survives the process dying (`kill -9`, a crash), because it is in the
 * WAL file the kernel already has; a power loss or OS crash may lose the last transactions
 * before the next checkpoint (never corrupt the file). The scheduler's state is rebuilt from
 * the agents' reports anyway, so the speed is worth that window.
 */
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { BerthError } from '@berth/api';

/** The database file's name inside the data dir. */
export const STATE_DB_FILE = 'state.db';

/** A better-sqlite3 connection. */
export type StateDatabase = Database.Database;

// Tables are STRICT so a wrong type is an error, not a silently converted value. JSON columns
// hold specs and statuses; everything a human would filter by is a column of its own.
const MIGRATIONS: readonly string[] = [
  `CREATE TABLE meta (key TEXT PRIMARY KEY, value INTEGER NOT NULL) STRICT;
   INSERT INTO meta (key, value) VALUES ('revision', 0);
   CREATE TABLE stacks (
     name TEXT PRIMARY KEY,
     spec TEXT NOT NULL,
     services TEXT NOT NULL,
     revision INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE tasks (
     id TEXT PRIMARY KEY,
     stack TEXT NOT NULL,
     service TEXT NOT NULL,
     slot INTEGER NOT NULL,
     for_node TEXT,
     spec_hash TEXT NOT NULL,
     generation INTEGER NOT NULL,
     node_id TEXT,
     desired TEXT NOT NULL,
     status TEXT NOT NULL,
     pending_reason TEXT,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     revision INTEGER NOT NULL
   ) STRICT;
   CREATE TABLE nodes (
     id TEXT PRIMARY KEY,
     name TEXT NOT NULL,
     info TEXT NOT NULL,
     last_heartbeat_at INTEGER NOT NULL,
     revision INTEGER NOT NULL
   ) STRICT;`,
];

/** The schema version this build writes. */
export const SCHEMA_VERSION = MIGRATIONS.length;

// How long opening waits for another process to let go of the file before giving up.
const LOCK_WAIT_MS = 1_000;

/** Opens (creating `dataDir` and the file as needed), locks and migrates the state database. */
export function openStateDatabase(dataDir: string): StateDatabase {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, STATE_DB_FILE);
  const db = new Database(file, { timeout: LOCK_WAIT_MS });
  try {
    // Set before the first access: the connection then holds the file for its whole life, so a
    // second scheduler on the same data dir fails here instead of interleaving its writes (and
    // WAL needs no shared-memory file).
    db.pragma('locking_mode = EXCLUSIVE');
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = NORMAL');
    migrate(db, file);
    return db;
  } catch (error) {
    db.close();
    if ((error as { code?: unknown }).code === 'SQLITE_BUSY') {
      throw new BerthError('CONFLICT', `${file} is in use by another process (is another scheduler running on this data dir?)`, {
        context: { file },
        cause: error,
      });
    }
    throw error;
  }
}

function migrate(db: StateDatabase, file: string): void {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > SCHEMA_VERSION) {
    throw new BerthError('CONFLICT', `${file} has schema version ${version}; this berth knows up to ${SCHEMA_VERSION} (written by a newer berth?)`, {
      context: { file, version, supported: SCHEMA_VERSION },
    });
  }
  if (version === SCHEMA_VERSION) return;
  db.transaction(() => {
    for (const sql of MIGRATIONS.slice(version)) db.exec(sql);
    db.pragma(`user_version = ${SCHEMA_VERSION}`);
  }).immediate();
}
