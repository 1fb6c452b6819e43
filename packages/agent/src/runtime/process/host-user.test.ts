import { describe, expect, it } from 'vitest';
import { isBerthError } from '@berth/api';
import { lookUpHostUser, parseGroup, parsePasswd, resolveHostUser } from './host-user.js';

const PASSWD = parsePasswd(
  [
    'root:x:0:0:root:/root:/bin/bash',
    'app:x:1000:1001:App User:/home/app:/bin/sh',
    '# a comment',
    'broken:x:abc:1:::',
    '',
  ].join('\n'),
);
const GROUPS = parseGroup(['root:x:0:', 'app:x:1001:', 'web:x:2000:app', 'bad:x:'].join('\n'));

describe('parsePasswd / parseGroup', () => {
  it('keep well-formed entries only', () => {
    expect(PASSWD).toEqual([
      { name: 'root', uid: 0, gid: 0, home: '/root' },
      { name: 'app', uid: 1000, gid: 1001, home: '/home/app' },
    ]);
    expect(GROUPS.map((g) => g.name)).toEqual(['root', 'app', 'web']);
  });
});

describe('resolveHostUser', () => {
  it.each([
    ['app', { uid: 1000, gid: 1001, home: '/home/app' }],
    ['1000', { uid: 1000, gid: 1001, home: '/home/app' }],
    ['app:web', { uid: 1000, gid: 2000, home: '/home/app' }],
    ['app:3000', { uid: 1000, gid: 3000, home: '/home/app' }],
    ['4321', { uid: 4321, gid: 4321 }],
    ['4321:0', { uid: 4321, gid: 0 }],
    ['root', { uid: 0, gid: 0, home: '/root' }],
  ])('%j → %j', (user, expected) => {
    expect(resolveHostUser(user, PASSWD, GROUPS)).toEqual(expected);
  });

  it.each([
    ['nobody-here', 'user "nobody-here" not found in /etc/passwd'],
    ['app:nogroup', 'group "nogroup" not found in /etc/group'],
  ])('%j → %j', (user, message) => {
    expect(resolveHostUser(user, PASSWD, GROUPS)).toBe(message);
  });
});

describe('lookUpHostUser', () => {
  it('refuses another user when the agent is not root, and says why', async () => {
    const err: unknown = await lookUpHostUser('0', 1234).catch((e: unknown) => e);
    expect(isBerthError(err, 'RUNTIME_UNAVAILABLE')).toBe(true);
    expect((err as Error).message).toBe('user "0" needs the agent to run as root (it runs as uid 1234)');
  });

  it('lets any agent run as its own uid, and root as anyone', async () => {
    expect(await lookUpHostUser('1234', 1234)).toMatchObject({ uid: 1234 });
    expect(await lookUpHostUser('root', 0)).toMatchObject({ uid: 0, gid: 0 });
    await expect(lookUpHostUser('no-such-user-here', 0)).rejects.toThrow(/not found in \/etc\/passwd/);
  });
});
