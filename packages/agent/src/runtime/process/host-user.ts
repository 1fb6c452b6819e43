/**
 * `user:` for process tasks: `name`, `uid`, `name:group` or `uid:gid`, looked up in the host's
 * /etc/passwd and /etc/group. Only a root agent can switch users; anything else is refused with
 * a message saying so rather than silently running as the agent's own user.
 */
import { readFile } from 'node:fs/promises';
import { BerthError } from '@berth/api';

/** One /etc/passwd entry. */
export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
}

/** One /etc/group entry. */
export interface GroupEntry {
  name: string;
  gid: number;
}

/** The identity a task runs as. */
export interface HostUser {
  uid: number;
  gid: number;
  /** Home directory from /etc/passwd, when the user is listed there. */
  home?: string;
}

/** Parses /etc/passwd text (`name:pw:uid:gid:gecos:home:shell`), skipping malformed lines. */
export function parsePasswd(text: string): PasswdEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , uid, gid, , home] = line.split(':');
    if (!name || home === undefined || !isId(uid) || !isId(gid)) return [];
    return [{ name, uid: Number(uid), gid: Number(gid), home }];
  });
}

/** Parses /etc/group text (`name:pw:gid:members`), skipping malformed lines. */
export function parseGroup(text: string): GroupEntry[] {
  return text.split('\n').flatMap((line) => {
    const [name, , gid] = line.split(':');
    return name && isId(gid) ? [{ name, gid: Number(gid) }] : [];
  });
}

function isId(text: string | undefined): text is string {
  return text !== undefined && /^\d+$/.test(text);
}

/**
 * Resolves a `user:` value against passwd/group entries; a string says why it cannot. A numeric
 * uid not in passwd runs with gid = uid: Docker would use gid 0, but on a host the root group
 * can read files a task has no business with.
 */
export function resolveHostUser(
  user: string,
  passwd: readonly PasswdEntry[],
  groups: readonly GroupEntry[],
): HostUser | string {
  const [userPart = '', groupPart] = user.split(':', 2);
  const entry = isId(userPart)
    ? passwd.find((p) => p.uid === Number(userPart))
    : passwd.find((p) => p.name === userPart);
  if (entry === undefined && !isId(userPart)) return `user "${userPart}" not found in /etc/passwd`;
  const uid = entry?.uid ?? Number(userPart);
  let gid = entry?.gid ?? uid;
  if (groupPart !== undefined && groupPart !== '') {
    const group = isId(groupPart) ? { gid: Number(groupPart) } : groups.find((g) => g.name === groupPart);
    if (group === undefined) return `group "${groupPart}" not found in /etc/group`;
    gid = group.gid;
  }
  return entry === undefined ? { uid, gid } : { uid, gid, home: entry.home };
}

/**
 * Resolves `user` on this host for an agent running as `agentUid`. Throws a BerthError when the
 * user is unknown, or when switching to it needs root and the agent is not root.
 */
export async function lookUpHostUser(user: string, agentUid: number): Promise<HostUser> {
  const [passwd, groups] = await Promise.all([
    readFile('/etc/passwd', 'utf8').catch(() => ''),
    readFile('/etc/group', 'utf8').catch(() => ''),
  ]);
  const resolved = resolveHostUser(user, parsePasswd(passwd), parseGroup(groups));
  if (typeof resolved === 'string') throw new BerthError('NOT_FOUND', resolved, { context: { user } });
  // Running as oneself needs no privilege; anything else needs setuid, i.e. root.
  if (agentUid !== 0 && resolved.uid !== agentUid) {
    throw new BerthError(
      'RUNTIME_UNAVAILABLE',
      `user "${user}" needs the agent to run as root (it runs as uid ${agentUid})`,
      { context: { user, agentUid } },
    );
  }
  return resolved;
}
