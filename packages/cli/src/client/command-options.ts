/** Options every client command shares: where the daemon is, which stack, which output format. */
import { BerthError } from '@berth/api/domain';
import type { Command } from 'commander';
import { collect } from '../commands/options.js';

/** Adds `-H, --host <address>` (BERTH_HOST when absent). */
export function withHostOption(command: Command): Command {
  return command.option('-H, --host <address>', 'Control API address: unix:///path.sock, tcp://host:port (default BERTH_HOST, else the local daemon)');
}

/**
 * Adds `-p, --project-name` and `-f, --file`, which pick the stack; `logs` keeps `-f` for
 * `--follow`, as `docker compose logs` does, and passes `fileShortFlag: false`.
 */
export function withStackOptions(command: Command, fileShortFlag = true): Command {
  return command
    .option('-p, --project-name <name>', 'stack name (default: from the stack files, as `berth up` names it)')
    .option(`${fileShortFlag ? '-f, ' : ''}--file <file>`, 'stack file the name is read from (repeatable)', collect);
}

/** Checks `--format`; throws USAGE naming the allowed values. */
export function parseFormat<T extends string>(value: string, allowed: readonly T[]): T {
  if (!(allowed as readonly string[]).includes(value)) {
    throw new BerthError('USAGE', `--format must be ${allowed.join(' or ')} (got "${value}")`);
  }
  return value as T;
}
