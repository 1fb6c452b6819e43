/**
 * The short volume syntax `[SOURCE:]TARGET[:OPTIONS]`: `/data` (anonymous volume),
 * `/abs/host:/data:ro` (bind; relative and `~` paths were made absolute upstream),
 * `name:/data:rw,nocopy` (named volume). A source that looks like a path is a bind mount.
 */
import type { VolumeMountSpec } from '@berth/api/domain';
import { failed, parsed, type ParseResult } from './parse-result.js';

/** Bind propagation and SELinux options: valid, but not modelled by berth's mount spec. */
const ACCEPTED_OPTIONS = new Set(['z', 'Z', 'shared', 'rshared', 'slave', 'rslave', 'private', 'rprivate', 'cached', 'delegated', 'consistent']);

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** True when a volume source names a host path rather than a named volume. */
export function isHostPath(source: string): boolean {
  return /^[./~]/.test(source) || source.startsWith('\\\\') || WINDOWS_DRIVE.test(source);
}

/** True for a container path berth accepts as a mount target. */
export function isAbsoluteTarget(target: string): boolean {
  return target.startsWith('/') || WINDOWS_DRIVE.test(target);
}

/**
 * Splits on colons, keeping a leading Windows drive (`C:\x:/data`) inside its segment. A drive
 * needs a colon after it, so `a:/data` stays the named volume `a` on `/data`.
 */
function splitSpec(spec: string): string[] {
  const drive = WINDOWS_DRIVE.test(spec) && spec.indexOf(':', 2) !== -1 ? spec.slice(0, 2) : '';
  const parts = spec.slice(drive.length).split(':');
  parts[0] = drive + (parts[0] ?? '');
  return parts;
}

/** Parses one short-syntax volume entry. */
export function parseVolumeShort(spec: string): ParseResult<VolumeMountSpec> {
  const shown = JSON.stringify(spec);
  if (spec.trim() === '') return failed('empty volume specification');
  const parts = splitSpec(spec);
  if (parts.length > 3) return failed(`invalid volume ${shown}: too many colons (expected SOURCE:TARGET[:OPTIONS])`);
  if (parts.some((p) => p === '')) return failed(`invalid volume ${shown}: empty section between colons`);
  const [first = '', second, options] = parts;
  const source = second === undefined ? undefined : first;
  const target = second ?? first;
  if (!isAbsoluteTarget(target)) return failed(`invalid volume ${shown}: the container path ${JSON.stringify(target)} must be absolute`);

  let readOnly = false;
  let noCopy = false;
  for (const option of options === undefined ? [] : options.split(',')) {
    if (option === 'ro' || option === 'rw') readOnly = option === 'ro';
    else if (option === 'nocopy') noCopy = true;
    else if (!ACCEPTED_OPTIONS.has(option)) {
      return failed(`invalid volume ${shown}: unknown option ${JSON.stringify(option)} (expected ro, rw, z, Z, nocopy or a propagation mode)`);
    }
  }
  if (source !== undefined && isHostPath(source)) {
    if (noCopy) return failed(`invalid volume ${shown}: "nocopy" only applies to volumes, not to bind mounts`);
    // Compose keeps docker-compose v1's behaviour for the short syntax: a missing host path is created.
    return parsed({ type: 'bind', source, target, readOnly, createHostPath: true });
  }
  return parsed({ type: 'volume', ...(source !== undefined ? { source } : {}), target, readOnly, noCopy });
}
