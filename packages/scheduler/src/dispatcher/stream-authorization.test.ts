import { describe, expect, it } from 'vitest';
import type { PeerIdentity } from '@berth/api/pki';
import { streamAuthorizer, streamVerdict } from './stream-authorization.js';

const NODE = '0123456789abcdef';
const cert = (commonName: string, role: PeerIdentity['role']): PeerIdentity => ({ commonName, role, fingerprint: '0'.repeat(64) });
const revoked = new Set(['deadbeefdeadbeef']);
const isRevoked = (id: string): boolean => revoked.has(id);

describe('streamVerdict', () => {
  it('lets a node certificate register as its own node id', () => {
    expect(streamVerdict(cert(NODE, 'node'), NODE, isRevoked)).toEqual({ ok: true });
  });

  it.each([
    ['no certificate', undefined, NODE, 'UNAUTHENTICATED', /no node certificate/],
    ['an admin certificate', cert('alice', 'admin'), NODE, 'PERMISSION_DENIED', /role admin/],
    ['a scheduler certificate', cert('berth-scheduler', 'scheduler'), NODE, 'PERMISSION_DENIED', /role scheduler/],
    ['a role-less certificate', cert(NODE, undefined), NODE, 'PERMISSION_DENIED', /role \(none\)/],
    ['another node id', cert(NODE, 'node'), 'fedcba9876543210', 'PERMISSION_DENIED', /for node 0123456789abcdef, but the stream registers as node fedcba9876543210/],
    ['no node id at all', cert(NODE, 'node'), '', 'PERMISSION_DENIED', /registers as no node id/],
    ['a revoked node', cert('deadbeefdeadbeef', 'node'), 'deadbeefdeadbeef', 'PERMISSION_DENIED', /was removed/],
  ] as const)('refuses %s', (_what, identity, nodeId, code, message) => {
    expect(streamVerdict(identity, nodeId, isRevoked)).toEqual({ ok: false, code, message: expect.stringMatching(message) });
  });
});

describe('streamAuthorizer', () => {
  it('reads the identity of the peer it is given and asks about revocation at call time', () => {
    const gone = new Set<string>();
    const peer = { getAuthContext: () => null };
    const authorize = streamAuthorizer((id) => gone.has(id), () => cert(NODE, 'node'));
    expect(authorize(peer, NODE).ok).toBe(true);
    gone.add(NODE);
    expect(authorize(peer, NODE)).toMatchObject({ ok: false, code: 'PERMISSION_DENIED' });
  });

  it('by default finds no identity on a connection without a verified certificate', () => {
    const authorize = streamAuthorizer(() => false);
    expect(authorize({ getAuthContext: () => ({ transportSecurityType: 'ssl' }) }, NODE)).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
