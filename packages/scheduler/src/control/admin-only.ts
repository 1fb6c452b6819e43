/**
 * The Control API over TCP answers only admins. The TLS handshake already requires a client
 * certificate from the cluster CA; this grpc-js server interceptor then requires its role to be
 * 'admin', so a node's certificate (which every agent host holds) cannot drive the cluster.
 * It is attached to the TCP listener's credentials only: the unix socket's file mode is the
 * access control there.
 */
import { ServerInterceptingCall, ServerListenerBuilder, ResponderBuilder, type ServerInterceptor } from '@grpc/grpc-js';
import { BerthError } from '@berth/api';
import { peerIdentity, type PeerIdentity } from '@berth/api/pki';
import { toStatusError } from './grpc-errors.js';

/** Why a peer may not call the Control API (undefined: it may). */
export function adminRefusal(identity: PeerIdentity | undefined): BerthError | undefined {
  if (identity === undefined) {
    return new BerthError('UNAUTHENTICATED', 'the Control API over TCP needs an admin certificate from the cluster CA (berth cert create --admin)');
  }
  if (identity.role !== 'admin') {
    return new BerthError(
      'PERMISSION_DENIED',
      `the Control API over TCP is for admin certificates; ${identity.commonName} holds a ${identity.role ?? 'role-less'} certificate`,
    );
  }
  return undefined;
}

/** A server interceptor that ends every call from a non-admin peer before its handler runs; `onRefused` hears each refusal. */
export function adminOnly(onRefused?: (peer: string, refusal: BerthError) => void): ServerInterceptor {
  return (_method, call) => {
    const listener = new ServerListenerBuilder()
      .withOnReceiveMetadata((metadata, next) => {
        const refusal = adminRefusal(peerIdentity(call));
        if (refusal === undefined) {
          next(metadata);
          return;
        }
        onRefused?.(call.getPeer(), refusal);
        call.sendStatus(toStatusError(refusal));
      })
      .build();
    const responder = new ResponderBuilder().withStart((next) => next(listener)).build();
    return new ServerInterceptingCall(call, responder);
  };
}
