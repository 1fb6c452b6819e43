/**
 * A service's mounts: `volumes` in short and long syntax plus the `tmpfs` key. Named volumes
 * must be declared in the top-level `volumes`.
 */
import type { VolumeMountSpec } from '@berth/api/domain';
import type { Diagnostics, ModelPath } from '../diagnostics.js';
import type { RawMap } from '../raw-model.js';
import { readByteSize } from './byte-size.js';
import { readFileMode } from './file-mode.js';
import { listOf, mapOf, readBoolean, stringOf } from './raw-values.js';
import { normalizeTmpfs } from './tmpfs.js';
import { isAbsoluteTarget, parseVolumeShort } from './volume-short.js';

/** Valid Compose mount types berth accepts but does not mount; the schema stage warns about them. */
const UNMOUNTED_TYPES = new Set(['npipe', 'cluster', 'image']);

/** Where a service's mounts are checked against: its name and the declared volume keys. */
export interface VolumeScope {
  service: string;
  declaredVolumes: ReadonlySet<string>;
}

/** Normalizes `volumes` then `tmpfs` of the service at `servicePath`. */
export function normalizeServiceMounts(
  service: RawMap,
  servicePath: ModelPath,
  scope: VolumeScope,
  diag: Diagnostics,
): VolumeMountSpec[] {
  const out: VolumeMountSpec[] = [];
  (listOf(service['volumes']) ?? []).forEach((entry, i) => {
    const at = [...servicePath, 'volumes', i];
    const mount = typeof entry === 'string' ? shortMount(entry, at, diag) : longMount(mapOf(entry), at, diag);
    if (!mount) return;
    if (mount.type === 'volume' && mount.source !== undefined && !scope.declaredVolumes.has(mount.source)) {
      diag.error(
        typeof entry === 'string' ? at : [...at, 'source'],
        `volume ${JSON.stringify(mount.source)} is used by service ${JSON.stringify(scope.service)} but not declared in the top-level volumes`,
      );
      return;
    }
    out.push(mount);
  });
  out.push(...normalizeTmpfs(service['tmpfs'], [...servicePath, 'tmpfs'], diag));
  return out;
}

function shortMount(spec: string, path: ModelPath, diag: Diagnostics): VolumeMountSpec | undefined {
  const r = parseVolumeShort(spec);
  if (r.ok) return r.value;
  diag.error(path, r.error);
  return undefined;
}

/** The long syntax; `type` decides which of `bind` / `volume` / `tmpfs` options apply. */
function longMount(m: RawMap | undefined, path: ModelPath, diag: Diagnostics): VolumeMountSpec | undefined {
  const type = stringOf(m?.['type']);
  if (!m || type === undefined) return undefined;
  if (UNMOUNTED_TYPES.has(type)) return undefined;
  const target = stringOf(m['target']);
  const source = stringOf(m['source']);
  if (target === undefined) {
    diag.error(path, 'a mount needs a target (the path in the container)');
    return undefined;
  }
  if (!isAbsoluteTarget(target)) {
    diag.error([...path, 'target'], `the container path ${JSON.stringify(target)} must be absolute`);
    return undefined;
  }
  const readOnly = readBoolean(m['read_only'], [...path, 'read_only'], diag) ?? false;
  switch (type) {
    case 'bind': {
      if (source === undefined || source === '') {
        diag.error(path, 'a bind mount needs a source (the host path)');
        return undefined;
      }
      const bind = mapOf(m['bind']);
      // As in compose-go: a `bind:` section defaults create_host_path to true, no section means false.
      const create = readBoolean(bind?.['create_host_path'], [...path, 'bind', 'create_host_path'], diag);
      return { type: 'bind', source, target, readOnly, createHostPath: create ?? bind !== undefined };
    }
    case 'volume': {
      const volume = mapOf(m['volume']);
      const noCopy = readBoolean(volume?.['nocopy'], [...path, 'volume', 'nocopy'], diag) ?? false;
      return { type: 'volume', ...(source ? { source } : {}), target, readOnly, noCopy };
    }
    case 'tmpfs': {
      if (source !== undefined && source !== '') {
        diag.error([...path, 'source'], 'a tmpfs mount has no source');
        return undefined;
      }
      const tmpfs = mapOf(m['tmpfs']);
      const sizeBytes = readByteSize(tmpfs?.['size'], [...path, 'tmpfs', 'size'], diag);
      const mode = readFileMode(tmpfs?.['mode'], [...path, 'tmpfs', 'mode'], diag);
      return { type: 'tmpfs', target, ...(sizeBytes !== undefined ? { sizeBytes } : {}), ...(mode !== undefined ? { mode } : {}) };
    }
    default:
      return undefined;
  }
}

