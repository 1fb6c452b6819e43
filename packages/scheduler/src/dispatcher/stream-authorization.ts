/**
 * Who may register as which node on an Agent.Connect stream: only the holder of a node
 * certificate from the cluster CA whose common name is the node id it registers as, and only
 * while that node id is not revoked. Decided at Register, before the dispatcher writes anything.
 *
 *   no client cert (or not from our CA) ─▶ UNAUTHENTICATED
 *   role ≠ node │ CN ≠ Register.node_id │ revoked ─▶ PERMISSION_DENIED
 */
import { peerIdentity, type AuthContext, type PeerIdentity } from '@berth/api/pki';

/** Whether a stream may register: ok, or the status to end it with and why. */
export type StreamVerdict = { ok: true } | { ok: false; code: 'UNAUTHENTICATED' | 'PERMISSION_DENIED'; message: string };

/** The peer of a stream, as the dispatcher hands it to an authorizer. */
export interface StreamPeer {
  getAuthContext(): AuthContext | null;
}

/** Decides whether a stream from `peer` may register as `nodeId`; given to the Dispatcher as `authorize`. */
export type AuthorizeStream = (peer: StreamPeer, nodeId: string) => StreamVerdict;

const OK: StreamVerdict = { ok: true };

/** The verdict for a peer presenting `identity` (undefined: no verified client certificate) registering as `nodeId`. */
export function streamVerdict(identity: PeerIdentity | undefined, nodeId: string, isRevoked: (nodeId: string) => boolean): StreamVerdict {
  if (identity === undefined) {
    return {
      ok: false,
      code: 'UNAUTHENTICATED',
      message: 'no node certificate from this cluster was presented; join first (berth agent --join HOST:PORT --token T)',
    };
  }
  if (identity.role !== 'node') {
    return { ok: false, code: 'PERMISSION_DENIED', message: `a certificate of role ${identity.role ?? '(none)'} cannot register as a node` };
  }
  if (identity.commonName !== nodeId) {
    const claimed = nodeId === '' ? 'no node id' : `node ${nodeId}`;
    return { ok: false, code: 'PERMISSION_DENIED', message: `the certificate is for node ${identity.commonName}, but the stream registers as ${claimed}` };
  }
  if (isRevoked(nodeId)) {
    return { ok: false, code: 'PERMISSION_DENIED', message: `node ${nodeId} was removed from the cluster` };
  }
  return OK;
}

/** An authorizer reading the peer's certificate (see `peerIdentity`) and asking `isRevoked`. */
export function streamAuthorizer(
  isRevoked: (nodeId: string) => boolean,
  identify: (peer: StreamPeer) => PeerIdentity | undefined = peerIdentity,
): AuthorizeStream {
  return (peer, nodeId) => streamVerdict(identify(peer), nodeId, isRevoked);
}

/**
 * How to end the open stream of node `nodeId` once the node was removed from the store: with
 * the authorizer's refusal when there is one (its id is revoked: PERMISSION_DENIED), else
 * NOT_FOUND (plain-text dispatchers without an authorizer), as a heartbeat would have learnt.
 */
export function removedNodeEnd(verdict: StreamVerdict | undefined, nodeId: string): { code: 'PERMISSION_DENIED' | 'UNAUTHENTICATED' | 'NOT_FOUND'; message: string } {
  if (verdict !== undefined && !verdict.ok) return { code: verdict.code, message: verdict.message };
  return { code: 'NOT_FOUND', message: `node ${nodeId} was removed from the scheduler; register again` };
}
