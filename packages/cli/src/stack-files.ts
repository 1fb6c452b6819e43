/** Which stack files a command loads when `-f` is not given. */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { BerthError } from '@berth/api/domain';

/** File names looked for in the working directory, in Compose's order, then berth's own. */
export const DEFAULT_STACK_FILES = ['compose.yaml', 'compose.yml', 'docker-compose.yaml', 'docker-compose.yml', 'stack.yaml', 'stack.yml'];

/** The `-f` files, else COMPOSE_FILE (split on the path separator), else the first default found. */
export function stackFiles(given: string[] | undefined, env: NodeJS.ProcessEnv, cwd: string): string[] {
  if (given && given.length > 0) return given;
  const fromEnv = env['COMPOSE_FILE'];
  if (fromEnv) return fromEnv.split(env['COMPOSE_PATH_SEPARATOR'] ?? path.delimiter).filter((f) => f !== '');
  const found = DEFAULT_STACK_FILES.find((f) => existsSync(path.join(cwd, f)));
  if (found === undefined) {
    throw new BerthError('USAGE', `no stack file: pass -f FILE or add one of ${DEFAULT_STACK_FILES.join(', ')} to ${cwd}`);
  }
  return [found];
}
