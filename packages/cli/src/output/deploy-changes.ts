/** What `up` and `scale` say a deploy did: one line per service. Pure. */
import type { ChangeKind, ServiceChange } from '../client/control-api.js';

/** SGR color per kind of change: new is green, changed yellow, gone red, nothing dim. */
const KIND_COLOR: Readonly<Record<ChangeKind, number>> = { created: 32, updated: 33, removed: 31, unchanged: 2 };

/** `web      updated (image, deploy.replicas)`: names padded to line up, the kind colored. */
export function changeLines(changes: readonly ServiceChange[], color: boolean): string[] {
  const width = Math.max(0, ...changes.map((c) => [...c.service].length));
  return [...changes]
    .sort((a, b) => a.service.localeCompare(b.service))
    .map((c) => {
      const kind = color ? `\u001b[${KIND_COLOR[c.kind]}m${c.kind}\u001b[0m` : c.kind;
      const fields = c.kind === 'updated' && c.changedFields.length > 0 ? ` (${c.changedFields.join(', ')})` : '';
      return `${c.service.padEnd(width)}  ${kind}${fields}`;
    });
}
