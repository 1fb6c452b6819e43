/** Options the client commands share: where the scheduler is, which stack, which output format. */
import { BerthError } from '@berth/api/domain';
import type { Command } from 'commander';
import { collect } from '../commands/options.js';
import type { ConnectionFlags } from './connection-target.js';

/**
 * Adds the global `-H, --host` and `--cert-dir` to the program. They are the program's, not each
 * command's, so they work before the command name (`berth --host tcp://h:7401 nodes`) as well as
 * after it (commander recognises program options anywhere on the line).
 */
export function withConnectionOptions(program: Command): Command {
  return program
    .option('-H, --host <address>', 'Control API address: unix:///path.sock or tcp://host:port (default BERTH_HOST, the context file, else the local daemon)')
    .option('--cert-dir <dir>', 'admin certificate dir for a tcp:// host: ca.crt, cert.crt, cert.key (default BERTH_CERT_DIR, the context file, else ~/.config/berth/certs/admin)');
}

/** The global connection flags as given on the command line, read from the running command. */
export function connectionFlags(command: Command): ConnectionFlags {
  const opts = command.optsWithGlobals<{ host?: string; certDir?: string }>();
  return { host: opts.host, certDir: opts.certDir };
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
