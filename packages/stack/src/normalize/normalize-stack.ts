/**
 * Normalization, the loader's last stage: the merged, interpolated, schema-checked Compose model
 * → StackSpec. Runs even when earlier stages found errors, so it reads defensively, skips what
 * the schema already rejected, and reports every semantic problem instead of stopping at one.
 */
import type { ServiceSpec, StackSpec } from '@berth/api/domain';
import type { RawMap } from '../raw-model.js';
import { reportDependencyCycles } from './dependency-cycles.js';
import { normalizeNetworks } from './networks.js';
import type { NormalizeContext } from './normalize-context.js';
import { mapOf, setOwn } from './raw-values.js';
import { normalizeFileResources } from './secrets-configs.js';
import { normalizeService, type StackScope } from './service.js';
import { normalizeVolumes } from './top-level-volumes.js';

export type { NormalizeContext, ReadEnvFile } from './normalize-context.js';

/** Turns the validated raw model into the typed stack spec, reporting problems into `ctx.diag`. */
export function normalizeStack(model: RawMap, ctx: NormalizeContext): StackSpec {
  const { projectName, diag } = ctx;
  const networks = normalizeNetworks(model['networks'], projectName, diag);
  const volumes = normalizeVolumes(model['volumes'], projectName, diag);
  const secrets = normalizeFileResources(model['secrets'], 'secret', projectName, diag);
  const configs = normalizeFileResources(model['configs'], 'config', projectName, diag);
  const declared = mapOf(model['services']) ?? {};
  const scope: StackScope = {
    // Every declared name counts, even a malformed service, so references to it are not reported twice.
    services: new Set(Object.keys(declared)),
    networks: new Set(Object.keys(networks)),
    volumes: new Set(Object.keys(volumes)),
    secrets: new Set(Object.keys(secrets)),
    configs: new Set(Object.keys(configs)),
  };
  const services: Record<string, ServiceSpec> = {};
  for (const [name, value] of Object.entries(declared)) {
    const s = mapOf(value);
    if (s) setOwn(services, name, normalizeService(name, s, scope, ctx));
  }
  reportDependencyCycles(
    Object.fromEntries(Object.entries(services).map(([name, s]) => [name, Object.keys(s.dependsOn)])),
    diag,
  );
  return { name: projectName, services, networks, volumes, secrets, configs };
}
