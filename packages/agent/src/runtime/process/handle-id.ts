/** The process driver's workload id: `pid:starttime` (start time guards against pid reuse). */
import { BerthError } from '@berth/api';

/** A process named by pid and its start time (clock ticks since boot). */
export interface ProcessIdentity {
  pid: number;
  startTime: number;
}

/** Formats a process identity as a handle id. */
export function formatHandleId(identity: ProcessIdentity): string {
  return `${identity.pid}:${identity.startTime}`;
}

/** Parses a handle id; throws a NOT_FOUND BerthError when it is not `pid:starttime`. */
export function parseHandleId(id: string): ProcessIdentity {
  const match = /^(\d+):(\d+)$/.exec(id);
  const pid = Number(match?.[1]);
  const startTime = Number(match?.[2]);
  if (!match || !Number.isSafeInteger(pid) || pid <= 0 || !Number.isSafeInteger(startTime)) {
    throw new BerthError('NOT_FOUND', `"${id}" is not a process workload id (want pid:starttime)`, {
      context: { id },
    });
  }
  return { pid, startTime };
}
