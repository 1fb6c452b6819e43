/**
 * One service → ServiceSpec: every per-concept normalizer applied, then the checks that need
 * several keys at once (image vs. build vs. driver, pull policy).
 */
import { DEFAULT_STOP_GRACE_PERIOD_MS, type BuildSpec, type PullPolicy, type ServiceSpec } from '@berth/api/domain';
import type { ModelPath } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { normalizeBuild } from './build.js';
import { normalizeCommand } from './command.js';
import { normalizeDependsOn } from './depends-on.js';
import { normalizeDeploy } from './deploy.js';
import { readDurationMs } from './duration.js';
import { normalizeEnvironment } from './environment.js';
import { normalizeHealthcheck } from './healthcheck.js';
import { normalizeLabels } from './labels.js';
import { normalizeServiceNetworks } from './networks.js';
import type { NormalizeContext } from './normalize-context.js';
import { normalizeExpose, normalizePorts } from './ports.js';
import { mapOf, nonEmptyString, ownValue, readBoolean, scalarText, stringList } from './raw-values.js';
import { normalizeRestartPolicy } from './restart-policy.js';
import { normalizeFileRefs } from './secrets-configs.js';
import { normalizeServiceMounts } from './volumes.js';
import { normalizeBerthSettings } from './x-berth.js';

/** The names declared in the stack, which service references are checked against. */
export interface StackScope {
  services: ReadonlySet<string>;
  networks: ReadonlySet<string>;
  volumes: ReadonlySet<string>;
  secrets: ReadonlySet<string>;
  configs: ReadonlySet<string>;
}

/** Normalizes the service `name` declared as `s`. */
export function normalizeService(name: string, s: RawMap, scope: StackScope, ctx: NormalizeContext): ServiceSpec {
  const at: ModelPath = ['services', name];
  const diag = ctx.diag;
  const deploy = mapOf(s['deploy']);
  const berth = normalizeBerthSettings(s['x-berth'], [...at, 'x-berth'], diag);
  const image = nonEmptyString(s['image']);
  const build = normalizeBuild(s['build'], [...at, 'build'], ctx.lookup, diag);
  const command = normalizeCommand(s['command'], [...at, 'command'], diag);
  const entrypoint = normalizeCommand(s['entrypoint'], [...at, 'entrypoint'], diag);
  // A `provider` service is run by an external component, not from an image (Compose skips the
  // check too); berth ignores `provider` with a warning from the schema stage.
  if (s['provider'] === undefined) checkRuntime(name, { image, build, command, driver: berth.driver }, at, ctx);
  const healthcheck = normalizeHealthcheck(s['healthcheck'], [...at, 'healthcheck'], diag);
  const workingDir = nonEmptyString(s['working_dir']);
  // `user: 1000` is a YAML number; the engine wants the text.
  const user = scalarText(s['user']) || undefined;
  const spec: ServiceSpec = {
    name,
    ...(image !== undefined ? { image } : {}),
    ...(build ? { build } : {}),
    pullPolicy: pullPolicy(s, image, build, at, ctx),
    ...(command ? { command } : {}),
    ...(entrypoint ? { entrypoint } : {}),
    ...(workingDir !== undefined ? { workingDir } : {}),
    ...(user !== undefined ? { user } : {}),
    environment: normalizeEnvironment(s, at, ctx),
    ports: normalizePorts(s['ports'], [...at, 'ports'], diag),
    expose: normalizeExpose(s['expose'], [...at, 'expose'], diag),
    volumes: normalizeServiceMounts(s, at, { service: name, declaredVolumes: scope.volumes }, diag),
    networks: normalizeServiceNetworks(s, at, { service: name, declaredNetworks: scope.networks }, diag),
    dependsOn: normalizeDependsOn(s['depends_on'], at, { service: name, services: scope.services }, diag),
    ...(healthcheck ? { healthcheck } : {}),
    restart: normalizeRestartPolicy(s['restart'], deploy?.['restart_policy'], at, diag),
    stopSignal: nonEmptyString(s['stop_signal']) ?? 'SIGTERM',
    stopGracePeriodMs: readDurationMs(s['stop_grace_period'], [...at, 'stop_grace_period'], diag) ?? DEFAULT_STOP_GRACE_PERIOD_MS,
    init: readBoolean(s['init'], [...at, 'init'], diag) ?? false,
    labels: normalizeLabels(s['labels'], [...at, 'labels'], diag),
    profiles: stringList(s['profiles']),
    secrets: normalizeFileRefs(s['secrets'], 'secret', [...at, 'secrets'], { service: name, declared: scope.secrets }, diag),
    configs: normalizeFileRefs(s['configs'], 'config', [...at, 'configs'], { service: name, declared: scope.configs }, diag),
    deploy: normalizeDeploy(s, at, diag),
    berth,
  };
  return spec;
}

/** What a service runs: docker needs an image or a build; process needs a command and no image. */
function checkRuntime(
  name: string,
  r: { image?: string; build?: BuildSpec; command?: string[]; driver: 'docker' | 'process' },
  at: ModelPath,
  ctx: NormalizeContext,
): void {
  const service = JSON.stringify(name);
  if (r.driver === 'docker') {
    if (r.image === undefined && !r.build) ctx.diag.error(at, `service ${service} has neither an image nor a build section`);
    return;
  }
  if (r.image !== undefined) {
    ctx.diag.error([...at, 'image'], `service ${service} uses the process driver, which runs a host command: it cannot have an image`);
  }
  if (r.build) ctx.diag.error([...at, 'build'], `service ${service} uses the process driver: it cannot have a build section`);
  if (!r.command || r.command.length === 0) {
    ctx.diag.error(at, `service ${service} uses the process driver and needs a command to run`);
  }
}

const PULL_ALIASES: Readonly<Record<string, PullPolicy>> = {
  missing: 'missing',
  if_not_present: 'missing',
  always: 'always',
  never: 'never',
  build: 'build',
};

const TIME_BASED = /^(refresh|daily|weekly|every_([0-9]+[wdhms])+)$/;

/** `pull_policy`, defaulting to `missing`, or `build` for a service with a build and no image. */
function pullPolicy(s: RawMap, image: string | undefined, build: BuildSpec | undefined, at: ModelPath, ctx: NormalizeContext): PullPolicy {
  const fallback: PullPolicy = build && image === undefined ? 'build' : 'missing';
  const raw = nonEmptyString(s['pull_policy']);
  if (raw === undefined) return fallback;
  const policy = ownValue(PULL_ALIASES, raw);
  if (!policy) {
    // Time-based policies (daily, every_12h, refresh) are valid Compose that berth accepts with
    // a warning from the schema stage and treats as the default; anything else is an error.
    if (!TIME_BASED.test(raw)) {
      ctx.diag.error([...at, 'pull_policy'], `invalid pull_policy ${JSON.stringify(raw)}: expected "missing", "always", "never" or "build"`);
    }
    return fallback;
  }
  if (policy === 'build' && !build) ctx.diag.error([...at, 'pull_policy'], 'pull_policy "build" needs a build section');
  return policy;
}
