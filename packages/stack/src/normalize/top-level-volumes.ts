/** The top-level `volumes`: named volumes with their engine name, driver and options. */
import type { VolumeSpec } from '@berth/api/domain';
import type { Diagnostics } from '../diagnostics.js';
import type { RawValue } from '../raw-model.js';
import { normalizeLabels } from './labels.js';
import { readOptionMap } from './list-or-dict.js';
import { mapOf, nonEmptyString, setOwn } from './raw-values.js';
import { resourceIdentity } from './resource-identity.js';

/** Normalizes the top-level `volumes`; a `null` entry is a volume with all defaults. */
export function normalizeVolumes(raw: RawValue | undefined, projectName: string, diag: Diagnostics): Record<string, VolumeSpec> {
  const out: Record<string, VolumeSpec> = {};
  for (const [key, value] of Object.entries(mapOf(raw) ?? {})) {
    if (value !== null && !mapOf(value)) continue;
    const m = mapOf(value) ?? {};
    const path = ['volumes', key];
    setOwn(out, key, {
      ...resourceIdentity(key, m, projectName, path, diag),
      driver: nonEmptyString(m['driver']) ?? 'local',
      driverOpts: readOptionMap(m['driver_opts']),
      labels: normalizeLabels(m['labels'], [...path, 'labels'], diag),
    });
  }
  return out;
}
