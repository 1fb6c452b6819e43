/**
 * Reads and writes `<dataDir>/tasks.json` (format: persisted-tasks.ts). Writes are atomic
 * (writeFileAtomic: a temp file, fsync'd, renamed over the old one), so an agent killed
 * mid-write leaves the old record or the new one, never half of one. Saves coalesce: while one write runs, later saves
 * only remember the newest state, which is written next; a crash-looping task thus costs at
 * most one write in flight, not one per restart.
 */
import { mkdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../identity/atomic-write.js';
import { emptyPersistedTasks, parsePersistedTasks, type PersistedTasks } from './persisted-tasks.js';

/** What `load` found: the record, and what was wrong with the file, if anything. */
export interface LoadedTasks {
  tasks: PersistedTasks;
  /** Why (part of) the file was ignored; undefined when it was fine or absent. */
  problem?: string;
}

/** The persisted task record of one agent. */
export class TaskStateStore {
  /** Where the record lives. */
  readonly path: string;
  readonly #dir: string;
  #writing: Promise<void> | undefined;
  #next: PersistedTasks | undefined;
  #waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];

  /** The store of the agent whose data directory is `dataDir`. */
  constructor(dataDir: string) {
    this.#dir = dataDir;
    this.path = join(dataDir, 'tasks.json');
  }

  /** Reads the record; an absent file is an empty record, a broken one too (with a `problem`). */
  async load(): Promise<LoadedTasks> {
    let text: string;
    try {
      text = await readFile(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { tasks: emptyPersistedTasks() };
      return { tasks: emptyPersistedTasks(), problem: `cannot read ${this.path}: ${(err as Error).message}` };
    }
    try {
      const { tasks, dropped } = parsePersistedTasks(text);
      if (dropped === 0) return { tasks };
      return { tasks, problem: `${this.path}: ignored ${dropped} malformed task ${dropped === 1 ? 'entry' : 'entries'}` };
    } catch (err) {
      return { tasks: emptyPersistedTasks(), problem: `ignoring ${this.path}: ${(err as Error).message}` };
    }
  }

  /** Saves `tasks`; resolves once it (or a newer state) is on disk. */
  save(tasks: PersistedTasks): Promise<void> {
    this.#next = tasks;
    const done = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    this.#writing ??= this.#drain();
    return done;
  }

  /** Resolves when no write is pending. */
  async flushed(): Promise<void> {
    while (this.#writing !== undefined) await this.#writing;
  }

  async #drain(): Promise<void> {
    while (this.#next !== undefined) {
      const tasks = this.#next;
      const waiters = this.#waiters;
      this.#next = undefined;
      this.#waiters = [];
      try {
        await this.#write(tasks);
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.#writing = undefined;
  }

  async #write(tasks: PersistedTasks): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    await writeFileAtomic(this.path, `${JSON.stringify(tasks, null, 2)}\n`, 0o600);
  }
}
