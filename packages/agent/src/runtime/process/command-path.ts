/**
 * Finding the program a process task runs, the way execvp would, but before spawning: a missing
 * command then fails `prepare` with a message naming it, instead of a bare ENOENT from spawn.
 */
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { BerthError, type ServiceSpec } from '@berth/api';

/** The argv a service runs: entrypoint + command (Compose semantics); empty when neither is set. */
export function serviceArgv(spec: Pick<ServiceSpec, 'entrypoint' | 'command'>): string[] {
  return [...(spec.entrypoint ?? []), ...(spec.command ?? [])];
}

/**
 * Paths `command` may name, in search order: a name with a slash is a path (relative ones
 * resolve against `cwd`, as in the child); a bare name is tried in each PATH directory (an
 * empty PATH entry means the current directory, per POSIX).
 */
export function commandCandidates(command: string, pathEnv: string, cwd: string): string[] {
  if (command === '') return [];
  if (command.includes('/')) return [isAbsolute(command) ? command : resolve(cwd, command)];
  return pathEnv.split(':').map((dir) => join(resolve(cwd, dir === '' ? '.' : dir), command));
}

/**
 * Resolves `command` to an executable file. Throws a NOT_FOUND BerthError (`command "nodee"
 * not found on PATH (/usr/bin:/bin)`) when there is none.
 */
export async function resolveCommand(command: string, pathEnv: string, cwd: string): Promise<string> {
  const candidates = commandCandidates(command, pathEnv, cwd);
  let notExecutable: string | undefined;
  for (const candidate of candidates) {
    const info = await stat(candidate).catch(() => undefined);
    if (!info?.isFile()) continue;
    try {
      await access(candidate, constants.X_OK);
      return candidate;
    } catch {
      notExecutable ??= candidate;
    }
  }
  const context = { command, path: pathEnv, cwd };
  if (notExecutable !== undefined) {
    throw new BerthError('NOT_FOUND', `command "${command}" (${notExecutable}) is not executable`, {
      context,
    });
  }
  const where = command.includes('/') ? `(looked for ${candidates[0] ?? command})` : `on PATH (${pathEnv})`;
  throw new BerthError('NOT_FOUND', `command "${command}" not found ${where}`, { context });
}
