/**
 * Turning a task descriptor into exactly what to spawn: program, argv, cwd, environment, user.
 * `prepare` runs this to fail early with a clear message; `start` runs it again, since the host
 * may have changed in between.
 */
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { BerthError } from '@berth/api';
import type { TaskDescriptor } from '../runtime.js';
import { resolveCommand, serviceArgv } from './command-path.js';
import { lookUpHostUser, type HostUser } from './host-user.js';
import { buildProcessEnvironment } from './process-environment.js';

/** Everything needed to spawn a process task. */
export interface LaunchPlan {
  /** Absolute path of the program (argv[0] resolved through PATH). */
  file: string;
  /** argv as the service wrote it; argv[0] is passed to the program unchanged. */
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  uid?: number;
  gid?: number;
}

/**
 * Plans a task's launch on this host. Throws a BerthError when the service has no command
 * (STACK_INVALID), its working directory or program is missing (NOT_FOUND), or its `user`
 * cannot be honoured.
 */
export async function planLaunch(
  task: TaskDescriptor,
  agentEnv: Readonly<Record<string, string | undefined>>,
  agentUid: number,
): Promise<LaunchPlan> {
  const { spec } = task;
  const argv = serviceArgv(spec);
  const first = argv[0];
  if (first === undefined || first === '') {
    throw new BerthError('STACK_INVALID', `service "${spec.name}" runs as a process and needs a command`, {
      context: { service: spec.name },
    });
  }
  const cwd = resolve(task.projectDir, spec.workingDir ?? '.');
  const info = await stat(cwd).catch(() => undefined);
  if (!info?.isDirectory()) {
    const what = info === undefined ? 'does not exist' : 'is not a directory';
    throw new BerthError('NOT_FOUND', `working directory ${cwd} of service "${spec.name}" ${what}`, {
      context: { service: spec.name, cwd },
    });
  }
  const user: HostUser | undefined =
    spec.user === undefined || spec.user === '' ? undefined : await lookUpHostUser(spec.user, agentUid);
  const env = buildProcessEnvironment(agentEnv, spec.environment, user?.home);
  // The child looks its program up on its own PATH, so that is the PATH we check.
  const file = await resolveCommand(first, env.PATH ?? '', cwd);
  return { file, argv, cwd, env, ...(user ? { uid: user.uid, gid: user.gid } : {}) };
}
