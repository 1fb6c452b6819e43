/** Byte counts for people: `512 MiB`, `1.5 GiB` (binary units, as memory is sized). */

const UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];

/** `bytes` in the largest unit that keeps the number at least 1, with at most one decimal. */
export function formatBytes(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '?';
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < UNITS.length - 1) {
    value /= 1024;
    unit++;
  }
  const rounded = Math.round(value * 10) / 10;
  return `${unit === 0 ? Math.round(value) : rounded} ${UNITS[unit] ?? 'B'}`;
}
