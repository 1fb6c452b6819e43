/**
 * What the Control API needs of the cluster's certificate authority: the join token and admin
 * certificates (GetJoinToken, IssueCertificate) and revoking a removed node's id (RemoveNode).
 * Declared here, as a structural type, so this folder does not depend on `security/`: the
 * scheduler hands its `ClusterAuthority` in, and tests a small fake.
 */
import { BerthError } from '@berth/api';
import type { IssuedCertificateView } from './views.js';

/** The cluster CA as the Control API uses it (see the module comment). */
export interface ControlAuthority {
  /** sha256 of the CA certificate's DER, 64 lowercase hex characters. */
  readonly caFingerprint: string;
  /** The current worker join token. */
  joinToken(): string;
  /** A new join token; the old one stops working at once. */
  rotateJoinToken(): string;
  /** Signs an admin CSR; `validityMs` undefined = the authority's default. Bad CSR: BerthError USAGE. */
  issueAdmin(csrPem: string, validityMs?: number): Promise<IssuedCertificateView>;
  /** Refuses the node id from now on (its certificate, renewals, re-registration). */
  revoke(nodeId: string): void;
}

/** The authority, or BerthError CONFLICT when the scheduler runs without a cluster CA. */
export function requireAuthority(authority: ControlAuthority | undefined): ControlAuthority {
  if (authority === undefined) throw new BerthError('CONFLICT', 'this scheduler has no cluster CA');
  return authority;
}
