/** The stack (Compose project) name: first given candidate, else the project directory's name. */
import path from 'node:path';
import type { Diagnostics } from './diagnostics.js';

const VALID = /^[a-z0-9][a-z0-9_-]*$/;

/**
 * Picks the project name from candidates in precedence order (`-p`, COMPOSE_PROJECT_NAME,
 * top-level `name`), falling back to the directory name normalized as Compose does.
 */
export function projectNameFrom(candidates: (string | undefined)[], projectDir: string, diag: Diagnostics): string {
  const given = candidates.find((c) => c !== undefined && c !== '');
  if (given !== undefined) {
    if (!VALID.test(given)) {
      diag.error(['name'], `"${given}" is not a valid project name: use lowercase letters, digits, "-" and "_", starting with a letter or digit`);
    }
    return given;
  }
  const derived = normalizeProjectName(path.basename(projectDir));
  if (derived === '') {
    diag.error([], `cannot derive a project name from the directory "${projectDir}"; set one with -p NAME or a top-level name:`);
    return 'default';
  }
  return derived;
}

/** Lowercases and drops characters Compose does not allow in project names. */
export function normalizeProjectName(raw: string): string {
  return raw.toLowerCase().replace(/[^a-z0-9_-]/g, '').replace(/^[_-]+/, '');
}
