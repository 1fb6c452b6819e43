/**
 * The Cluster service on the agent port: Join (the token is the credential, so no client
 * certificate is needed) and Renew (the caller's current node certificate is the credential).
 * Every refusal is one log line naming the peer, and reaches the caller as a gRPC status with
 * the berth error code (see `grpc-errors.ts`); neither ever contains the join token.
 *
 *   Join(token, CSR, name) ─▶ authority.join ─▶ node certificate + CA
 *   Renew(CSR)  + node cert ─▶ authority.renew(CN of the cert) ─▶ fresh node certificate
 */
import type { sendUnaryData, ServerUnaryCall } from '@grpc/grpc-js';
import { BerthError, isBerthError, type wire } from '@berth/api';
import { peerIdentity, type PeerIdentity } from '@berth/api/pki';
import { toStatusError } from '../control/grpc-errors.js';
import type { ClusterAuthority, IssuedCertificate } from './cluster-authority.js';

/** What the service needs of the authority (a ClusterAuthority, or a fake in tests). */
export type ClusterServiceAuthority = Pick<ClusterAuthority, 'join' | 'renew'>;

/** How to build the service. */
export interface ClusterServiceOptions {
  authority: ClusterServiceAuthority;
  /** One line per join, renewal and refusal. */
  log?: (line: string) => void;
  /** The caller's verified certificate; default `peerIdentity` (tests inject one). */
  identify?: (call: ServerUnaryCall<unknown, unknown>) => PeerIdentity | undefined;
}

// A node name only goes into log lines: printable, and short.
const MAX_LOGGED_NAME = 64;

/** The name an agent sent, made safe for one log line. */
export function loggableName(name: string): string {
  const printable = name.replace(/[\u0000-\u001f\u007f-\u009f]/g, '?');
  if (printable === '') return '(none)';
  return printable.length > MAX_LOGGED_NAME ? `${printable.slice(0, MAX_LOGGED_NAME)}…` : printable;
}

/** The `wire.ClusterServer` implementation over `options.authority`. */
export function clusterService(options: ClusterServiceOptions): wire.ClusterServer {
  const log = options.log ?? (() => undefined);
  const identify = options.identify ?? peerIdentity;
  return {
    join: (call: ServerUnaryCall<wire.JoinRequest, wire.JoinResponse>, callback: sendUnaryData<wire.JoinResponse>) => {
      const peer = call.getPeer();
      const name = loggableName(call.request.name);
      options.authority
        .join({ token: call.request.token, csrPem: call.request.csrPem, name: call.request.name, peer })
        .then(
          ({ nodeId, certificate }) => {
            log(`node ${nodeId} (name ${name}) joined from ${peer}; certificate valid until ${certificate.notAfter.toISOString()}`);
            callback(null, { nodeId, certificate: toWire(certificate) });
          },
          (error: unknown) => {
            log(`refused join from ${peer} (name ${name}): ${describe(error)}`);
            callback(toStatusError(error));
          },
        );
    },
    renew: (call: ServerUnaryCall<wire.RenewRequest, wire.RenewResponse>, callback: sendUnaryData<wire.RenewResponse>) => {
      const peer = call.getPeer();
      let nodeId: string;
      try {
        nodeId = renewingNode(identify(call));
      } catch (error) {
        log(`refused renewal from ${peer}: ${describe(error)}`);
        callback(toStatusError(error));
        return;
      }
      options.authority.renew(nodeId, call.request.csrPem).then(
        (certificate) => {
          log(`renewed the certificate of node ${nodeId} (${peer}); valid until ${certificate.notAfter.toISOString()}`);
          callback(null, { certificate: toWire(certificate) });
        },
        (error: unknown) => {
          log(`refused renewal from ${peer} (node ${nodeId}): ${describe(error)}`);
          callback(toStatusError(error));
        },
      );
    },
  };
}

/**
 * The node a caller presenting `identity` renews for: its certificate's CN. BerthError
 * UNAUTHENTICATED without a certificate from this cluster, PERMISSION_DENIED for a role other
 * than 'node' (revocation is the authority's check).
 */
export function renewingNode(identity: PeerIdentity | undefined): string {
  if (identity === undefined) {
    throw new BerthError('UNAUTHENTICATED', "Renew needs the node's current certificate from this cluster; without one, join again");
  }
  if (identity.role !== 'node') {
    throw new BerthError('PERMISSION_DENIED', `only node certificates are renewed this way, not a ${identity.role ?? 'role-less'} certificate`);
  }
  return identity.commonName;
}

function toWire(certificate: IssuedCertificate): wire.IssuedCertificate {
  return { certificatePem: certificate.certificatePem, caCertificatePem: certificate.caCertificatePem, notAfter: certificate.notAfter };
}

function describe(error: unknown): string {
  if (isBerthError(error)) return error.message;
  return `internal error: ${error instanceof Error ? error.message : String(error)}`;
}
