/**
 * Engine-side name and `external` flag of a top-level network, volume, secret or config.
 * The name is `name:` when given, the key itself for external resources (they already exist
 * under that name), and `<project>_<key>` otherwise so stacks do not collide.
 */
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { mapOf, nonEmptyString, readBoolean } from './raw-values.js';

/** Name and external flag of one top-level resource. */
export interface ResourceIdentity {
  name: string;
  external: boolean;
}

/** Works out the identity of the resource `key` declared as `m` at `path`. */
export function resourceIdentity(
  key: string,
  m: RawMap,
  projectName: string,
  path: ModelPath,
  diag: Diagnostics,
): ResourceIdentity {
  const legacy = mapOf(m['external']);
  let external: boolean;
  let legacyName: string | undefined;
  if (legacy) {
    // `external: {name: x}` predates top-level `name:`; still honoured, as Compose does.
    external = true;
    legacyName = nonEmptyString(legacy['name']);
    if (legacyName !== undefined) diag.warn([...path, 'external', 'name'], 'external.name is deprecated: use "name" with "external: true"');
  } else {
    external = readBoolean(m['external'], [...path, 'external'], diag) ?? false;
  }
  const given = nonEmptyString(m['name']);
  if (given !== undefined && legacyName !== undefined && given !== legacyName) {
    diag.error([...path, 'external', 'name'], `external.name ${JSON.stringify(legacyName)} conflicts with name ${JSON.stringify(given)}`);
  }
  const name = given ?? legacyName ?? (external ? key : `${projectName}_${key}`);
  return { name, external };
}
