/**
 * gRPC credentials for berth's two TLS ports and for dialling the scheduler. Both server ports
 * present the scheduler certificate followed by the CA certificate, so a joining agent can read
 * the CA from the handshake (fetchCaCertificate) and pin it against its token.
 *
 *   agent port   (Agent, Cluster)  client cert requested, optional: Join has only a token;
 *                                  handlers decide with peerIdentity()
 *   control port (Control)          client cert signed by the CA required at the handshake
 */
import { createSecureContext, type PeerCertificate } from 'node:tls';
import { credentials, ServerCredentials, type ChannelCredentials } from '@grpc/grpc-js';
import { BerthError } from '../errors.js';
import { identityFromSubject } from './certificate-info.js';
import { withNewline } from './certificate-fields.js';
import { SCHEDULER_DNS_NAME } from './certificate-role.js';

/** The CA to trust, and this side's certificate and private key, all PEM. */
export interface TlsMaterial {
  caPem: string;
  certPem: string;
  keyPem: string;
}

/** TLS server credentials that always request a client certificate and may or may not require one. */
class ClusterServerCredentials extends ServerCredentials {
  constructor(
    private readonly material: TlsMaterial,
    private readonly requireClientCertificate: boolean,
  ) {
    super(
      // With rejectUnauthorized false Node still verifies a presented certificate against `ca`
      // and records the outcome in socket.authorized, which grpc-js's getAuthContext() checks.
      { requestCert: true, rejectUnauthorized: requireClientCertificate },
      serverContextOptions(material),
    );
  }

  _equals(other: ServerCredentials): boolean {
    return (
      other === this ||
      (other instanceof ClusterServerCredentials &&
        other.requireClientCertificate === this.requireClientCertificate &&
        other.material.caPem === this.material.caPem &&
        other.material.certPem === this.material.certPem &&
        other.material.keyPem === this.material.keyPem)
    );
  }
}

/** Credentials of the agent port: TLS; requests a client cert but does not require one (Join needs none). */
export function agentPortCredentials(material: TlsMaterial): ServerCredentials {
  return new ClusterServerCredentials(material, false);
}

/** Credentials of the remote Control port: TLS; a client cert signed by the CA is required at the handshake. */
export function controlPortCredentials(material: TlsMaterial): ServerCredentials {
  return new ClusterServerCredentials(material, true);
}

/**
 * Credentials for dialling the scheduler: trust only `caPem`, accept any host name (agents reach
 * the scheduler at whatever address the operator gave) but only a server certificate of role
 * 'scheduler', so a node's or admin's certificate cannot impersonate it. Key and cert: optional (Join).
 */
export function schedulerChannelCredentials(options: {
  caPem: string;
  certPem?: string;
  keyPem?: string;
}): ChannelCredentials {
  if ((options.certPem === undefined) !== (options.keyPem === undefined)) {
    throw new BerthError('USAGE', 'a client certificate needs its key, and a key its certificate');
  }
  const key = options.keyPem === undefined ? null : Buffer.from(options.keyPem);
  const cert = options.certPem === undefined ? null : Buffer.from(options.certPem);
  try {
    return credentials.createSsl(Buffer.from(options.caPem), key, cert, { checkServerIdentity: requireSchedulerRole });
  } catch (cause) {
    throw new BerthError('USAGE', `invalid TLS client material: ${(cause as Error).message}`, { cause });
  }
}

/**
 * Channel options for every client of the scheduler: TLS server name (SNI) `berth-scheduler`, a
 * name every scheduler certificate carries. Without it grpc-js sends the IP address it dials as
 * SNI, which RFC 6066 forbids and Node answers with a DEP0123 warning.
 */
export const SCHEDULER_CHANNEL_OPTIONS: Readonly<Record<string, string>> = Object.freeze({
  'grpc.ssl_target_name_override': SCHEDULER_DNS_NAME,
});

/** Node calls this only after the chain verified against our CA; the host name is deliberately not checked. */
function requireSchedulerRole(_host: string, cert: PeerCertificate): Error | undefined {
  const { commonName, role } = identityFromSubject(cert.subject);
  if (role === 'scheduler') return undefined;
  return new Error(
    `the server presents a certificate of this cluster for ${role === undefined ? 'no berth role' : `a ${role}`} ` +
      `(${JSON.stringify(commonName)}), not the scheduler's`,
  );
}

/** Secure context options for a server; checked now, because grpc-js would only log a bad pair and drop connections. */
function serverContextOptions(material: TlsMaterial): { ca: Buffer; cert: Buffer[]; key: Buffer[] } {
  const options = {
    ca: Buffer.from(material.caPem),
    cert: [Buffer.from(serverChain(material.certPem, material.caPem))],
    key: [Buffer.from(material.keyPem)],
  };
  try {
    createSecureContext(options);
  } catch (cause) {
    throw new BerthError('USAGE', `invalid TLS server material: ${(cause as Error).message}`, { cause });
  }
  return options;
}

/** The server's certificate followed by the CA certificate (unless the cert PEM already ends with it). */
function serverChain(certPem: string, caPem: string): string {
  const ca = withNewline(caPem);
  const cert = withNewline(certPem);
  return cert.endsWith(ca) ? cert : cert + ca;
}
