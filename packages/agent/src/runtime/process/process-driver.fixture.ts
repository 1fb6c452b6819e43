/**
 * Test support for the process driver's tests (no test framework imports, so it compiles with
 * the package): task descriptors for process services, and a tracker that kills, by process
 * group, exactly the processes a test started.
 */
import { defaultServiceSpec, type ServiceSpec } from '@berth/api';
import type { TaskDescriptor, WorkloadHandle } from '../runtime.js';
import { parseHandleId } from './handle-id.js';
import { readProcStatSync } from './proc-stat.js';

/** A process-driver service spec with the given fields. */
export function processService(overrides: Partial<ServiceSpec> = {}): ServiceSpec {
  const base = defaultServiceSpec('app');
  return {
    ...base,
    pullPolicy: 'never',
    berth: { ...base.berth, driver: 'process', keepRunningWhenDisconnected: true },
    ...overrides,
  };
}

/** A task of `spec` on node `n1`, with relative paths resolving against `projectDir`. */
export function processTask(taskId: string, projectDir: string, spec: ServiceSpec): TaskDescriptor {
  return {
    ref: { taskId, stack: 'test', service: spec.name, slot: 1, nodeId: 'n1' },
    spec,
    projectDir,
    nodeAddress: '127.0.0.1',
    networks: {},
    volumes: {},
  };
}

/** Remembers started workloads and SIGKILLs their process groups at cleanup. */
export class StartedProcesses {
  private readonly ids = new Set<string>();

  /** Tracks a workload; returns it for chaining. */
  track(handle: WorkloadHandle): WorkloadHandle {
    this.ids.add(handle.id);
    return handle;
  }

  /** Kills every tracked group whose leader is still the process we started (pid not reused). */
  killAll(): void {
    for (const id of this.ids) {
      const { pid, startTime } = parseHandleId(id);
      const stat = readProcStatSync(pid);
      if (stat?.startTime !== startTime) continue;
      try {
        process.kill(-pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    this.ids.clear();
  }
}
