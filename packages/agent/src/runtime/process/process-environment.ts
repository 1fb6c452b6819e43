/**
 * The environment a process task starts with. Unlike a container, a host process would see the
 * agent's whole environment (tokens, DOCKER_HOST, ...) if we passed it on, so only a few
 * variables a program needs to behave are inherited; the service's `environment` adds the rest.
 */

/** Agent variables every process task inherits. */
export const INHERITED_VARIABLES = ['PATH', 'HOME', 'LANG'] as const;

/** PATH used when the agent itself has none, so bare command names still resolve. */
export const FALLBACK_PATH = '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin';

/**
 * Builds a task's environment: the agent's PATH/HOME/LANG, then the service's variables. A null
 * value means "inherit": it takes the agent's value, or is left out when the agent has none.
 * `home` (the `user`'s home directory) replaces the agent's HOME when the service sets none.
 */
export function buildProcessEnvironment(
  agentEnv: Readonly<Record<string, string | undefined>>,
  serviceEnv: Readonly<Record<string, string | null>>,
  home?: string,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const name of INHERITED_VARIABLES) {
    const value = agentEnv[name];
    if (value !== undefined) env[name] = value;
  }
  env.PATH ??= FALLBACK_PATH;
  if (home !== undefined) env.HOME = home;
  for (const [name, value] of Object.entries(serviceEnv)) {
    if (value !== null) {
      env[name] = value;
      continue;
    }
    const inherited = agentEnv[name];
    if (inherited !== undefined) env[name] = inherited;
    else if (!(INHERITED_VARIABLES as readonly string[]).includes(name)) delete env[name];
  }
  return env;
}
