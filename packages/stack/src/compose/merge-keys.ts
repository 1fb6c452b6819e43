/**
 * Identity of list entries that Compose merges by key rather than by position: a later entry
 * with the same key replaces (or, for two mappings, merges into) the earlier one. A key
 * function returns undefined for an entry it cannot identify; such entries are just appended.
 */
import { MergeTag, isRawMap, type RawValue } from '../raw-model.js';
import { canonicalKey, valueAt } from './raw-access.js';
import { splitVolumeSpec } from './volume-spec.js';

/** Finds the unique key of one list entry. */
export type EntryKey = (entry: RawValue) => string | undefined;

function untagged(v: RawValue): RawValue {
  return v instanceof MergeTag ? v.value : v;
}

function text(v: RawValue | undefined): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** Whole-value identity, for lists of plain values (`cap_add`, `dns`, `expose`…). */
export const valueKey: EntryKey = (entry) => canonicalKey(untagged(entry));

/** `{ip, published, target, protocol}` of a port, from `[IP:][PUBLISHED:]TARGET[/PROTO]` or the long form. */
export const portKey: EntryKey = (entry) => {
  const v = untagged(entry);
  const key = (ip: string, published: string, target: string, protocol: string): string =>
    // 0.0.0.0 is what an unset host IP means, so both spellings are the same binding.
    `${ip === '0.0.0.0' ? '' : ip}|${published}|${target}|${protocol || 'tcp'}`;
  if (typeof v === 'number') return key('', '', String(v), 'tcp');
  if (typeof v === 'string') {
    let rest = v;
    let protocol = 'tcp';
    const slash = rest.lastIndexOf('/');
    if (slash >= 0) {
      protocol = rest.slice(slash + 1);
      rest = rest.slice(0, slash);
    }
    let ip = '';
    if (rest.startsWith('[')) {
      const end = rest.indexOf(']');
      if (end > 0) {
        ip = rest.slice(1, end);
        rest = rest.slice(end + 1).replace(/^:/, '');
      }
    }
    const parts = rest.split(':');
    const target = parts.pop() ?? '';
    const published = parts.pop() ?? '';
    // Anything left is an unbracketed host IP (IPv6 addresses contain colons themselves).
    if (parts.length > 0) ip = parts.join(':');
    return key(ip, published, target, protocol);
  }
  if (!isRawMap(v)) return undefined;
  const target = text(valueAt(v, 'target'));
  if (target === undefined) return undefined;
  return key(text(valueAt(v, 'host_ip')) ?? '', text(valueAt(v, 'published')) ?? '', target, text(valueAt(v, 'protocol')) ?? 'tcp');
};

/** Container path of a service volume: `src:/target[:mode]`, `/target`, or long-form `target`. */
export const mountTargetKey: EntryKey = (entry) => {
  const v = untagged(entry);
  if (typeof v === 'string') {
    const parts = splitVolumeSpec(v);
    return parts.length === 1 ? parts[0] : parts[1];
  }
  return isRawMap(v) ? text(valueAt(v, 'target')) : undefined;
};

/** Container path of a device: `host[:container[:perms]]` (or a CDI name), or long-form `target`. */
export const deviceKey: EntryKey = (entry) => {
  const v = untagged(entry);
  if (typeof v === 'string') {
    const parts = splitVolumeSpec(v);
    return parts[1] ?? parts[0];
  }
  return isRawMap(v) ? (text(valueAt(v, 'target')) ?? text(valueAt(v, 'source'))) : undefined;
};

/** Target file of a secret or config grant; `dir` is where a bare name is mounted. */
function grantKey(dir: string): EntryKey {
  return (entry) => {
    const v = untagged(entry);
    if (typeof v === 'string') return dir + v;
    if (!isRawMap(v)) return undefined;
    const target = text(valueAt(v, 'target'));
    if (target !== undefined) return target.startsWith('/') ? target : dir + target;
    const source = text(valueAt(v, 'source'));
    return source === undefined ? undefined : dir + source;
  };
}

/** Secrets are mounted under /run/secrets/ unless the target is absolute. */
export const secretKey: EntryKey = grantKey('/run/secrets/');

/** Configs are mounted at /<name> unless the target says otherwise. */
export const configKey: EntryKey = grantKey('/');

/** Identity of a mapping entry by one of its fields (`env_file` path, IPAM `subnet`, blkio `path`). */
export function fieldKey(field: string): EntryKey {
  return (entry) => {
    const v = untagged(entry);
    if (isRawMap(v)) {
      const f = valueAt(v, field);
      return f === undefined ? undefined : canonicalKey(f);
    }
    // env_file also accepts bare paths; the path is then the whole entry.
    return typeof v === 'string' ? v : undefined;
  };
}
