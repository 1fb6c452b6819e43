/**
 * Serialized writes of task records. A task's record is written at start, when its process
 * exits and when its restart count changes, from independent async paths; running them one
 * after another per file, and updating only a record that still names the same process, keeps
 * an old process's late exit from overwriting the record of the process that replaced it.
 */
import type { ProcessIdentity } from './handle-id.js';
import { readTaskRecord, writeTaskRecord, type TaskRecord } from './task-record.js';

/** Writes task records one at a time per file. */
export class TaskRecordWriter {
  private readonly queues = new Map<string, Promise<unknown>>();

  /** Writes `record` to `path` after the writes already queued for it. */
  write(path: string, record: TaskRecord): Promise<void> {
    return this.enqueue(path, () => writeTaskRecord(path, record));
  }

  /**
   * Rewrites the record at `path` with `change` if it still describes `identity`. Resolves
   * false when it does not (or cannot be read or written); never rejects.
   */
  update(path: string, identity: ProcessIdentity, change: (record: TaskRecord) => TaskRecord): Promise<boolean> {
    return this.enqueue(path, async () => {
      const record = await readTaskRecord(path);
      if (record?.pid !== identity.pid || record.startTime !== identity.startTime) return false;
      await writeTaskRecord(path, change(record));
      return true;
    }).catch(() => false);
  }

  /** Resolves once every write queued for `path` so far has finished. */
  async idle(path: string): Promise<void> {
    await this.queues.get(path);
  }

  private enqueue<T>(path: string, write: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(path) ?? Promise.resolve();
    const next = previous.then(write);
    const settled = next.catch(() => undefined);
    this.queues.set(path, settled);
    void settled.then(() => {
      if (this.queues.get(path) === settled) this.queues.delete(path);
    });
    return next;
  }
}
