/**
 * Who is on the other end of a gRPC call. grpc-js reports the client certificate only when the
 * TLS socket is `authorized`, i.e. the certificate chains to the CA the server trusts (ours), is
 * within its validity and was signed by that CA; otherwise there is no identity at all.
 */
import type { PeerCertificate } from 'node:tls';
import type { CertificateRole } from './certificate-role.js';
import { identityFromSubject, sha256Hex } from './certificate-info.js';

/** The authenticated client of a call, from its certificate. */
export interface PeerIdentity {
  commonName: string;
  role: CertificateRole | undefined;
  /** SHA-256 of the client certificate's DER, lowercase hex. */
  fingerprint: string;
}

/** grpc-js's AuthContext (not exported by grpc-js itself). */
export interface AuthContext {
  transportSecurityType?: string;
  sslPeerCertificate?: PeerCertificate;
}

/** The verified client identity of a server call; undefined unless a client cert verified against our CA was presented. */
export function peerIdentity(call: { getAuthContext(): AuthContext | null }): PeerIdentity | undefined {
  const certificate = call.getAuthContext()?.sslPeerCertificate;
  // `raw` is empty when the peer sent no certificate (grpc-js already maps that to undefined).
  if (certificate === undefined || certificate.raw === undefined || certificate.raw.length === 0) return undefined;
  return { ...identityFromSubject(certificate.subject), fingerprint: sha256Hex(certificate.raw) };
}
