import { describe, expect, it } from 'vitest';
import type { PeerIdentity } from '@berth/api/pki';
import { adminRefusal } from './admin-only.js';

const identity = (role: PeerIdentity['role']): PeerIdentity => ({ commonName: 'someone', role, fingerprint: '0'.repeat(64) });

describe('adminRefusal', () => {
  it('lets an admin certificate through', () => {
    expect(adminRefusal(identity('admin'))).toBeUndefined();
  });

  it.each([
    ['no certificate', undefined, 'UNAUTHENTICATED'],
    ['a node certificate', identity('node'), 'PERMISSION_DENIED'],
    ['a scheduler certificate', identity('scheduler'), 'PERMISSION_DENIED'],
    ['a role-less certificate', identity(undefined), 'PERMISSION_DENIED'],
  ] as const)('refuses %s', (_what, who, code) => {
    expect(adminRefusal(who)).toMatchObject({ code });
  });
});
