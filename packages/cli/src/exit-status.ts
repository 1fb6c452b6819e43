/** Process exit statuses of the berth CLI (documented in the README's CLI reference). */
import type { ErrorCode } from '@berth/api/domain';

/** Exit statuses, stable across releases. */
export const ExitStatus = {
  OK: 0,
  /** The command ran and failed: invalid stack, failed deploy, task errors. */
  FAILED: 1,
  /** Bad command-line usage. */
  USAGE: 2,
  /** The daemon/scheduler or a runtime could not be reached. */
  UNAVAILABLE: 3,
  /** The scheduler refused the credentials (wrong token or certificate, removed node). */
  DENIED: 4,
  /** A bug in berth. */
  INTERNAL: 70,
  /** Interrupted by Ctrl-C. */
  INTERRUPTED: 130,
} as const;

/** Maps a BerthError code to the status the process exits with. */
export function exitStatusFor(code: ErrorCode): number {
  switch (code) {
    case 'USAGE':
      return ExitStatus.USAGE;
    case 'UNAVAILABLE':
    case 'RUNTIME_UNAVAILABLE':
      return ExitStatus.UNAVAILABLE;
    case 'UNAUTHENTICATED':
    case 'PERMISSION_DENIED':
      return ExitStatus.DENIED;
    case 'INTERNAL':
      return ExitStatus.INTERNAL;
    default:
      return ExitStatus.FAILED;
  }
}
