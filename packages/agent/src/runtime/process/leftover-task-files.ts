/**
 * Deleting a removed stack's leftover task directories (`<dataDir>/tasks/<taskId>/`: record and
 * logs). `remove` normally deletes a task's directory; one is left when a removal failed or was
 * never asked for. Only directories whose record names the stack are considered, and of those
 * only ones no process runs from and no workload of this agent run still owns: a task the agent
 * still knows keeps its logs until it is removed itself.
 */
import { rm } from 'node:fs/promises';
import type { StackCleanupReport } from '../runtime.js';
import { formatHandleId } from './handle-id.js';
import { isSameProcessAlive } from './proc-stat.js';
import { listTaskIds, readTaskRecord, taskPaths, type TaskPaths } from './task-record.js';

/** What the driver knows that the files do not. */
export interface LeftoverContext {
  dataDir: string;
  /** Whether the workload with this handle id (or a start of this task) is one the driver still serves. */
  inUse: (handleId: string, taskId: string) => boolean;
  /** Resolves once no write to this record is pending. */
  idle: (recordPath: string) => Promise<void>;
}

/** Deletes the task directories of `stack` nobody uses any more; see the module comment. */
export async function removeLeftoverTaskFiles(stack: string, context: LeftoverContext): Promise<StackCleanupReport> {
  const report: StackCleanupReport = { removed: [], kept: [] };
  for (const taskId of (await listTaskIds(context.dataDir)).sort()) {
    let paths: TaskPaths;
    try {
      paths = taskPaths(context.dataDir, taskId);
    } catch {
      continue; // not a directory the driver made
    }
    const record = await readTaskRecord(paths.record);
    // Without a record the directory's stack is unknown: it is not ours to judge.
    if (record === undefined || record.ref.stack !== stack) continue;
    const what = `task files ${paths.dir}`;
    if (context.inUse(formatHandleId(record), taskId)) {
      report.kept.push(`${what}: task ${taskId} is still known to the agent`);
      continue;
    }
    if (await isSameProcessAlive(record.pid, record.startTime)) {
      report.kept.push(`${what}: its process ${record.pid} still runs`);
      continue;
    }
    try {
      await context.idle(paths.record);
      await rm(paths.dir, { recursive: true, force: true });
      report.removed.push(what);
    } catch (err) {
      report.kept.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  }
  return report;
}
