/**
 * Splitting the short volume syntax `[SOURCE:]TARGET[:MODE]` (also used by `devices`), shared by
 * path resolution and merging. A leading Windows drive (`C:\data`) is part of its segment.
 */

const WINDOWS_DRIVE = /^[A-Za-z]:[\\/]/;

/** The colon-separated parts of a short volume spec, keeping a leading drive letter whole. */
export function splitVolumeSpec(spec: string): string[] {
  const drive = WINDOWS_DRIVE.test(spec) ? spec.slice(0, 2) : '';
  const parts = spec.slice(drive.length).split(':');
  parts[0] = drive + (parts[0] ?? '');
  return parts;
}

/**
 * True when a short-syntax volume source is a host path relative to the project or home
 * (`.`, `./x`, `../x`, `~/x`). Volume names cannot start with a dot, so any leading dot means a path.
 */
export function isRelativeHostSource(source: string): boolean {
  return source.startsWith('.') || isHomePath(source);
}

/** True for `~` and `~/…` (Compose does not expand `~user`). */
export function isHomePath(p: string): boolean {
  return p === '~' || p.startsWith('~/');
}
