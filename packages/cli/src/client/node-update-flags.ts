/**
 * `berth node update` flags → a node update request. Every mistake is a usage error found
 * before anything is sent, so a typo never half-applies: `--label-add` takes `key=value`
 * (an empty value is allowed, an empty key is not), `--label-rm` takes a key alone, a key may
 * not be both added and removed, and something must change. Pure.
 */
import { BerthError, type NodeAvailability } from '@berth/api/domain';
import type { NodeUpdate } from './control-api.js';

/** The availabilities a node can be set to. */
export const NODE_AVAILABILITIES: readonly NodeAvailability[] = ['active', 'pause', 'drain'];

/** The flags as commander collects them. */
export interface NodeUpdateFlags {
  labelAdd?: string[] | undefined;
  labelRm?: string[] | undefined;
  availability?: string | undefined;
}

/** Builds the request for `node`; BerthError USAGE with the offending flag on any mistake. */
export function nodeUpdateRequest(node: string, flags: NodeUpdateFlags): NodeUpdate {
  const labelsAdd = parseLabelAdds(flags.labelAdd ?? []);
  const labelsRemove = parseLabelRemovals(flags.labelRm ?? []);
  for (const key of labelsRemove) {
    if (key in labelsAdd) throw usage(`label "${key}" is both added (--label-add) and removed (--label-rm); pick one`);
  }
  const request: NodeUpdate = { node };
  if (Object.keys(labelsAdd).length > 0) request.labelsAdd = labelsAdd;
  if (labelsRemove.length > 0) request.labelsRemove = labelsRemove;
  if (flags.availability !== undefined) request.availability = parseAvailability(flags.availability);
  if (request.labelsAdd === undefined && request.labelsRemove === undefined && request.availability === undefined) {
    throw usage('nothing to update: give --label-add key=value, --label-rm key or --availability active|pause|drain');
  }
  return request;
}

/** Parses `--label-add` values; the same key twice must carry the same value. */
export function parseLabelAdds(items: readonly string[]): Record<string, string> {
  const labels: Record<string, string> = {};
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq < 0) throw usage(`--label-add ${JSON.stringify(item)}: expected key=value (use --label-rm to remove a label)`);
    const key = item.slice(0, eq);
    checkKey(key, '--label-add', item);
    const value = item.slice(eq + 1);
    if (Object.hasOwn(labels, key) && labels[key] !== value) {
      throw usage(`--label-add gives label "${key}" two values (${JSON.stringify(labels[key])} and ${JSON.stringify(value)})`);
    }
    labels[key] = value;
  }
  return labels;
}

/** Parses `--label-rm` values: keys, each once. */
export function parseLabelRemovals(items: readonly string[]): string[] {
  const keys: string[] = [];
  for (const item of items) {
    if (item.includes('=')) throw usage(`--label-rm ${JSON.stringify(item)}: expected a label key alone, without =value`);
    checkKey(item, '--label-rm', item);
    if (!keys.includes(item)) keys.push(item);
  }
  return keys;
}

/** Checks `--availability`. */
export function parseAvailability(value: string): NodeAvailability {
  const found = NODE_AVAILABILITIES.find((a) => a === value);
  if (found === undefined) throw usage(`--availability must be active, pause or drain (got ${JSON.stringify(value)})`);
  return found;
}

// Keys end up in placement constraints (`node.labels.zone == eu`), where spaces and quotes
// cannot be written; refusing them here is kinder than a label no constraint can match.
function checkKey(key: string, flag: string, item: string): void {
  if (key === '') throw usage(`${flag} ${JSON.stringify(item)}: the label key is empty`);
  if (/[\s"'=]/.test(key)) throw usage(`${flag} ${JSON.stringify(item)}: a label key cannot contain spaces, quotes or =`);
}

function usage(message: string): BerthError {
  return new BerthError('USAGE', message);
}
