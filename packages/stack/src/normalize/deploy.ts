/**
 * A service's `deploy:` section: mode, replicas (or the service-level `scale`), placement,
 * resources, update/rollback configs and labels. The restart policy is merged separately.
 */
import type { DeploySpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { normalizeLabels } from './labels.js';
import { normalizePlacement } from './placement.js';
import { mapOf, ownValue, readInteger, stringOf } from './raw-values.js';
import { normalizeResources } from './resources.js';
import { normalizeUpdateConfig } from './update-config.js';

/** Job modes are valid Compose that berth accepts (the schema stage warns) but runs as services. */
const JOB_MODES: Readonly<Record<string, DeploySpec['mode']>> = { 'replicated-job': 'replicated', 'global-job': 'global' };

/** Normalizes `deploy` (and `scale`, `cpus`, `mem_*`, `pids_limit`) of the service at `servicePath`. */
export function normalizeDeploy(service: RawMap, servicePath: ModelPath, diag: Diagnostics): DeploySpec {
  const path = [...servicePath, 'deploy'];
  const deploy = mapOf(service['deploy']) ?? {};
  const mode = deployMode(stringOf(deploy['mode']), [...path, 'mode'], diag);

  const replicas = readInteger(deploy['replicas'], [...path, 'replicas'], diag);
  const scale = readInteger(service['scale'], [...servicePath, 'scale'], diag);
  if (replicas !== undefined && scale !== undefined && replicas !== scale) {
    diag.error([...servicePath, 'scale'], "can't set distinct values on 'scale' and 'deploy.replicas'");
  }
  const count = replicas ?? scale;
  if (mode === 'global' && count !== undefined) {
    diag.error(replicas !== undefined ? [...path, 'replicas'] : [...servicePath, 'scale'], 'replicas cannot be set for a service in global mode');
  }
  const updateConfig = normalizeUpdateConfig(deploy['update_config'], [...path, 'update_config'], 'update', diag);
  const rollbackConfig = normalizeUpdateConfig(deploy['rollback_config'], [...path, 'rollback_config'], 'rollback', diag);
  return {
    mode,
    // Global services run one task per eligible node; the count is not used for them.
    replicas: count ?? 1,
    placement: normalizePlacement(deploy['placement'], [...path, 'placement'], diag),
    resources: normalizeResources(service, servicePath, diag),
    ...(updateConfig ? { updateConfig } : {}),
    ...(rollbackConfig ? { rollbackConfig } : {}),
    labels: normalizeLabels(deploy['labels'], [...path, 'labels'], diag),
  };
}

function deployMode(mode: string | undefined, path: ModelPath, diag: Diagnostics): DeploySpec['mode'] {
  if (mode === undefined || mode === 'replicated' || mode === 'global') return mode ?? 'replicated';
  const job = ownValue(JOB_MODES, mode);
  if (job) return job;
  diag.error(path, `invalid deploy mode ${JSON.stringify(mode)}: expected "replicated" or "global"`);
  return 'replicated';
}
