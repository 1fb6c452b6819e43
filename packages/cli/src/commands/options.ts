/** Small option parsers shared by the commands. */
import { BerthError } from '@berth/api/domain';

/** Commander reducer for repeatable options (`-f a -f b`). */
export function collect(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), value];
}

/** Parses `key=value` labels; a bare `key` gets an empty value. */
export function parseLabels(items: string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    const key = eq < 0 ? item : item.slice(0, eq);
    if (key === '') throw new BerthError('USAGE', `invalid label "${item}": expected key=value`);
    labels[key] = eq < 0 ? '' : item.slice(eq + 1);
  }
  return labels;
}
