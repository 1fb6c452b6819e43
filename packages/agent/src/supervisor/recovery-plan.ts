/**
 * What a starting agent does with what it finds: the tasks it had persisted as assigned, and the
 * workloads the drivers recover. Pure; the supervisor carries the plan out.
 *
 * Nothing is stopped here. The agent keeps tasks running while it cannot reach the scheduler,
 * so a workload nobody assigned (an orphan) is only reported; the scheduler's next complete set
 * either claims it (it is adopted then) or leaves it out (it is stopped and removed then).
 */
import type { DesiredTaskState } from '@berth/api';
import type { RecoveredWorkload } from '../runtime/runtime.js';
import type { FinalStatus } from '../task/task-runner.js';
import type { PersistedTask } from './persisted-tasks.js';

/** A persisted task with the workload found for it. */
export interface Adoption {
  persisted: PersistedTask;
  /** The workload, with the higher of the persisted and the recovered restart count. */
  recovered: RecoveredWorkload;
  /** Set when the task had ended for good and its workload is not running: report, do not run. */
  final?: FinalStatus;
  /** The desired state the supervisor enforces from now on (see planRecovery). */
  desiredState: DesiredTaskState;
}

/** The plan. */
export interface RecoveryPlan {
  adopt: Adoption[];
  /** Assigned to run, not finished, but no workload found (removed, or never started): start. */
  start: PersistedTask[];
  /** Finished (or to stay stopped) and no workload found: report the final status only. */
  restore: { persisted: PersistedTask; final: FinalStatus }[];
  /** Workloads of tasks not assigned here, or older duplicates of an assigned task's workload. */
  orphans: RecoveredWorkload[];
}

/** Matches persisted tasks with recovered workloads. */
export function planRecovery(persisted: readonly PersistedTask[], found: readonly RecoveredWorkload[]): RecoveryPlan {
  const plan: RecoveryPlan = { adopt: [], start: [], restore: [], orphans: [] };
  const byTask = new Map<string, RecoveredWorkload[]>();
  for (const w of found) {
    const id = w.handle.ref.taskId;
    byTask.set(id, [...(byTask.get(id) ?? []), w]);
  }
  const assigned = new Set(persisted.map((p) => p.task.ref.taskId));
  for (const [id, workloads] of byTask) if (!assigned.has(id)) plan.orphans.push(...workloads);

  for (const p of persisted) {
    const [current, ...older] = [...(byTask.get(p.task.ref.taskId) ?? [])].sort(newestFirst);
    plan.orphans.push(...older);
    if (current === undefined) {
      const final = p.final ?? (p.desiredState === 'stop' ? { state: 'stopped' as const, message: '' } : undefined);
      if (final === undefined) plan.start.push(p);
      else plan.restore.push({ persisted: p, final });
      continue;
    }
    const recovered = { ...current, restarts: Math.max(p.restarts, current.restarts) };
    if (current.state === 'running') {
      // Running although it was meant to be stopped (the agent died mid-stop): adopt it as
      // running and let the scheduler's next set say "stop" again; nothing is stopped unasked.
      plan.adopt.push({ persisted: p, recovered, desiredState: 'run' });
      continue;
    }
    const final =
      p.final ?? (p.desiredState === 'stop' ? stoppedFinal(current) : undefined);
    plan.adopt.push({ persisted: p, recovered, desiredState: p.desiredState, ...(final ? { final } : {}) });
  }
  return plan;
}

/** The final status of a task whose stop was under way when the agent went down. */
function stoppedFinal(w: RecoveredWorkload): FinalStatus {
  const final: FinalStatus = { state: 'stopped', message: '' };
  if (w.exit !== undefined) final.exitCode = w.exit.exitCode;
  return final;
}

/** Running before exited, then the latest start first. */
function newestFirst(a: RecoveredWorkload, b: RecoveredWorkload): number {
  if (a.state !== b.state) return a.state === 'running' ? -1 : 1;
  return b.handle.startedAt - a.handle.startedAt;
}
