/**
 * @berth/api/pki: the cluster's certificate authority, node/admin/scheduler certificates, join
 * tokens and gRPC TLS credentials. Creating keys, CSRs and certificates loads @peculiar/x509 on
 * first use; everything else (reading certificates, peer identity, tokens, credentials) uses
 * node:crypto and node:tls only.
 */
export { SCHEDULER_DNS_NAME, type CertificateRole } from './certificate-role.js';
export { createKeyAndCsr, type KeyAndCsr } from './keys-and-csr.js';
export { createClusterCa, type CaMaterial, type ClusterCaOptions } from './cluster-ca.js';
export {
  signCertificate,
  DEFAULT_CERT_VALIDITY_MS,
  type SignOptions,
  type SignedCertificate,
} from './sign-certificate.js';
export { readCertificate, certificateFingerprint, type CertificateInfo } from './certificate-info.js';
export { renewalDelayMs } from './renewal.js';
export { formatJoinToken, parseJoinToken, newTokenSecret, secretsEqual, type JoinToken } from './join-token.js';
export {
  agentPortCredentials,
  controlPortCredentials,
  schedulerChannelCredentials,
  SCHEDULER_CHANNEL_OPTIONS,
  type TlsMaterial,
} from './tls-credentials.js';
export { peerIdentity, type PeerIdentity, type AuthContext } from './peer-identity.js';
export { fetchCaCertificate, FETCH_CA_TIMEOUT_MS } from './fetch-ca-certificate.js';
export { explainTlsFailure } from './tls-failure.js';
